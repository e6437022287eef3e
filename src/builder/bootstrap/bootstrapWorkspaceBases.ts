import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { baseBranch } from '../../model/root/baseDefinition.js';
import { baseOfKind } from '../../model/root/rootDefinition.js';
import { ROOT_KINDS } from '../../model/root/rootName.js';
import { crossBaseName, crossToolchainOf, type CrossToolchain } from '../../model/root/crossBuild.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import { loadRootDefinition } from '../../store/definitions/loadRootDefinition.js';
import { branchRef, readRef } from '../../store/refs/refs.js';
import { openRepository } from '../../store/repository/repository.js';
import type { ProgressCallback } from '../../store/blobs/storeFilesInParallel.js';
import { bootstrapBase, type BootstrappedBase } from './bootstrapBase.js';
import { archCommand, hostArch } from '../../platform/process/archCommand.js';
import { nativeBuildOf, parseArchOption, type Arch } from '../../model/root/arch.js';
import { loadBaseDefinition } from '../../store/definitions/loadBaseDefinition.js';
import { runWithConcurrency } from '../../platform/process/runWithConcurrency.js';

export interface WorkspaceBasesOptions {
  repoDir: string;
  /** The workspace's roots/ directory. */
  rootsDir: string;
  /** Debootstrap the bases that exist already too (a new commit where the tree changed). */
  again: boolean;
  /** Only the bases of these arches (as --arch names them); default every arch this machine runs. */
  arches?: string[];
  mirror?: string;
  /** Before each base is made. */
  onBase?: (branch: string) => void;
  onProgress?: ProgressCallback;
  onOutput?: (line: string) => void;
}

export interface WorkspaceBases {
  /** Each base the definitions name for an arch this machine runs or cross-builds for: made now, or there already. */
  bases: Array<BootstrappedBase | { branch: string; existing: true }>;
  /** Bases named for arches this machine can neither run nor cross-build for, which it does not make. */
  otherArches: string[];
}

/**
 * `hacktree bootstrap` in a workspace: makes every base its root definitions name (the toolchain
 * base builds run on, and the base of each kind of root) for each arch it names that this
 * machine runs natively (x86_64 and i686 on an x86_64 host) or cross-builds for (aarch64), as
 * roots/bases/NAME.json says, unless it exists. For a cross-built arch the build base is the
 * host's userland plus the cross toolchain (base/NAME-cross-ARCH) and the bases roots sit on are
 * foreign userlands (debootstrap --foreign, finished under qemu-user). Two debootstraps at a time, committed one after
 * the other. One download directory serves them all, so a package a base shares with one made
 * before it is fetched once.
 */
export async function bootstrapWorkspaceBases(options: WorkspaceBasesOptions): Promise<WorkspaceBases> {
  const host = hostArch();
  const only = options.arches?.length ? parseArchOption(options.arches) : undefined;
  const wanted = new Map<string, { name: string; namedBy: string; arch: Arch; cross?: CrossToolchain }>();
  const buildBases = new Set<string>();
  const otherArches = new Set<string>();
  for (const file of listDirectory(options.rootsDir).filter((f) => f.endsWith('.json')).sort()) {
    const version = file.slice(0, -'.json'.length);
    const def = loadRootDefinition(options.rootsDir, version);
    const namedBy = join(options.rootsDir, file);
    if (def.base !== undefined) buildBases.add(def.base);
    for (const defArch of def.arches) {
      if (only !== undefined && !only.includes(defArch)) continue;
      const native = nativeBuildOf(host, defArch) !== 'foreign';
      const cross = native ? undefined : crossToolchainOf(defArch);
      if (!native && cross === undefined) {
        for (const base of new Set([def.base, ...ROOT_KINDS.map((kind) => baseOfKind(def, kind))])) if (base !== undefined) otherArches.add(baseBranch(base, defArch));
        continue;
      }
      // A foreign arch builds on the host's userland of the build base plus its cross toolchain,
      // and its roots sit on foreign userlands (debootstrap --foreign, finished under qemu-user).
      if (def.base !== undefined) {
        const buildBase = cross === undefined ? def.base : crossBaseName(def.base);
        wanted.set(baseBranch(buildBase, defArch), { name: def.base, namedBy, arch: defArch, cross });
      }
      for (const kind of ROOT_KINDS) {
        const base = baseOfKind(def, kind);
        if (base !== undefined) wanted.set(baseBranch(base, defArch), { name: base, namedBy, arch: defArch });
      }
    }
  }
  // Every definition is read before anything is made: a missing one fails at once.
  const definitions = [...wanted.entries()].map(([branch, { name, namedBy, arch, cross }]) => ({ branch, arch, cross, definition: loadBaseDefinition(options.rootsDir, name, namedBy) }));
  const repo = openRepository(options.repoDir);
  // A foreign base is finished under qemu-user: without it, refused before any base is started.
  for (const { branch, arch, cross } of definitions) {
    if (cross !== undefined || nativeBuildOf(host, arch) !== 'foreign') continue;
    if (options.again || (await readRef(repo, branchRef(branch))) === null) archCommand(arch, ['true'], `bootstrap ${branch} (debootstrap --foreign, finished under qemu-user)`, 'run');
  }
  const debCache = join(repo.tmpDir, `${process.pid}-bootstrap-debs-${Date.now()}`);
  mkdirSync(debCache, { recursive: true, mode: 0o700 });
  let turns: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(commit: () => Promise<T>): Promise<T> => {
    const mine = turns.then(commit);
    turns = mine.catch(() => undefined);
    return mine;
  };
  try {
    // Two debootstraps at once: each is mostly one dpkg process and downloads; their commits take turns.
    const results = await runWithConcurrency(definitions, DEBOOTSTRAPS_AT_ONCE, async ({ branch, arch, cross, definition }): Promise<WorkspaceBases['bases'][number]> => {
      if (!options.again && (await readRef(repo, branchRef(branch))) !== null) return { branch, existing: true };
      options.onBase?.(branch);
      const common = { repoDir: options.repoDir, mirror: options.mirror, debCache, inTurn, onProgress: options.onProgress, onOutput: options.onOutput };
      if (cross !== undefined) {
        // The host's userland: named for the arch it builds for, branch base/NAME-cross-ARCH.
        const withToolchain = { ...definition, include: [...definition.include, ...cross.packages] };
        return bootstrapBase({ ...common, definition: withToolchain, name: branch.slice('base/'.length), forBuilds: true });
      }
      return bootstrapBase({ ...common, definition, arch: arch === host ? undefined : arch, forBuilds: buildBases.has(definition.name) && nativeBuildOf(host, arch) !== 'foreign' });
    });
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return { bases: results.map((r) => (r as PromiseFulfilledResult<WorkspaceBases['bases'][number]>).value), otherArches: [...otherArches].sort() };
  } finally {
    rmSync(debCache, { recursive: true, force: true });
  }
}

const DEBOOTSTRAPS_AT_ONCE = 2;
