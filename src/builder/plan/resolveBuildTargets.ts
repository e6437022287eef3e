import { HacktreeError } from '../../errors/HacktreeError.js';
import { baseBranch } from '../../model/root/baseDefinition.js';
import type { Oid } from '../../model/git/oid.js';
import type { Flavor } from '../../model/root/rootName.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import { loadRootDefinition } from '../../store/definitions/loadRootDefinition.js';
import { readCommit } from '../../store/objects/readCommit.js';
import { branchRef, readRef } from '../../store/refs/refs.js';
import type { Repository } from '../../store/repository/repository.js';
import type { BuildTarget } from './planBuilds.js';
import { join } from 'node:path';
import { nativeBuildOf, parseArchOption, type Arch } from '../../model/root/arch.js';
import { hostArch } from '../../platform/process/archCommand.js';
import { crossBaseName, crossToolchainOf } from '../../model/root/crossBuild.js';

export const DEFAULT_BASE = 'debian-bookworm';

/**
 * What a build is for: every (root version, arch) that roots/ defines, or only `versions`, in
 * each flavor asked for; each with its base toolchain root (branch base/BASE-ARCH, made by
 * `hacktree bootstrap`), which must exist.
 */
export async function resolveBuildTargets(options: {
  repo: Repository;
  rootsDir: string;
  versions?: string[];
  /** Only these arches (--arch); an arch no definition names builds nothing. */
  arches?: string[];
  flavors: Flavor[];
}): Promise<BuildTarget[]> {
  const only = options.arches?.length ? parseArchOption(options.arches) : undefined;
  const versions = options.versions?.length ? options.versions : listDirectory(options.rootsDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).sort();
  if (versions.length === 0) {
    throw new HacktreeError('WORKSPACE_INVALID', `${options.rootsDir} defines no root (no VERSION.json)`, {
      hint: 'add a root definition, e.g. roots/3.2.json (see docs/roots.md "Root names and definitions")',
      data: { rootsDir: options.rootsDir },
    });
  }
  const targets: BuildTarget[] = [];
  for (const version of versions) {
    const def = loadRootDefinition(options.rootsDir, version);
    for (const arch of def.arches) {
      if (only !== undefined && !only.includes(arch)) continue;
      const cross = buildsAcross(arch, join(options.rootsDir, `${version}.json`));
      // A cross build runs on the host's userland of the base plus the cross toolchain.
      const baseRef = baseBranch(cross ? crossBaseName(def.base ?? DEFAULT_BASE) : def.base ?? DEFAULT_BASE, arch);
      const baseTree = await baseTreeOf(options.repo, baseRef, arch);
      for (const flavor of options.flavors) targets.push({ root: `${version}-${flavor}-${arch}`, flavor, arch, baseRef, baseTree });
    }
  }
  return targets;
}

/**
 * Whether builds for `arch` cross-compile (true) or run natively (false); refused before anything
 * is fetched when this machine can neither run it nor knows a cross toolchain for it.
 */
function buildsAcross(arch: Arch, definition: string): boolean {
  if (nativeBuildOf(hostArch(), arch) !== 'foreign') return false;
  if (crossToolchainOf(arch) !== undefined) return true;
  throw new HacktreeError('ARCH_UNSUPPORTED', `${definition} names ${arch}, which this ${hostArch()} machine cannot build for: it neither runs it nor knows a cross toolchain for it`, {
    hint: `build the other arches with "hacktree build --arch ${hostArch()}"${hostArch() === 'x86_64' ? ' (or --arch i686)' : ''}`,
    data: { definition, arch, host: hostArch() },
  });
}

async function baseTreeOf(repo: Repository, baseRef: string, arch: Arch): Promise<Oid> {
  const commit = await readRef(repo, branchRef(baseRef));
  if (commit === null) {
    throw new HacktreeError('BASE_ROOT_MISSING', `the base toolchain root ${baseRef} does not exist in ${repo.dir}`, {
      hint: `make it with "hacktree bootstrap --arch ${arch}" in the workspace (or "hacktree bootstrap --name ${baseRef.slice('base/'.length)} --from DIR|TARBALL")`,
      data: { base: baseRef },
    });
  }
  return (await readCommit(repo, commit)).tree;
}
