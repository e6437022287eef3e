import { HacktreeError } from '../../errors/HacktreeError.js';
import { artifactEntries } from '../../model/artifact/artifactEntries.js';
import { formatArtifactName } from '../../model/artifact/artifactName.js';
import { replaceComponents } from '../../model/artifact/replaceComponents.js';
import type { Oid } from '../../model/git/oid.js';
import { baseBranch } from '../../model/root/baseDefinition.js';
import { buildRootOf, parseRootName, rootBranch, type Flavor } from '../../model/root/rootName.js';
import { parseManifest } from '../../model/snapshot/manifest.js';
import { branchRef, readRef } from '../../store/refs/refs.js';
import { openBuildRootsToGroup } from '../../store/repository/openBuildRootsToGroup.js';
import { openRepository, type Repository } from '../../store/repository/repository.js';
import { readSnapshot } from '../../store/snapshot/readSnapshot.js';
import { writeSnapshot } from '../../store/snapshot/writeSnapshot.js';
import { DEFAULT_BASE } from '../plan/resolveBuildTargets.js';
import { prepareBuildRoot } from '../sandbox/prepareBuildRoot.js';

export interface LocalBuildRootOptions {
  repoDir: string;
  /** The root the component is built for, VERSION-KIND-FLAVOR-ARCH. */
  root: string;
  /** The component being built: its own artifacts stay out of the build root. */
  component: string;
  /** Base toolchain root without arch (branch base/BASE-ARCH); default debian-bookworm. */
  base?: string;
  /** A group whose members run the build over the layers (the daemon's, for a developer): they may reach them. */
  readableByGroup?: number;
}

/** The sandbox root of a local build: its composed tree (the configure inputs use it) and its layers, lowest first. */
export interface LocalBuildRoot {
  treeId: Oid;
  layers: string[];
}

/**
 * What `hacktree make` builds over: the toolchain base plus the root version's devel root of the
 * root's flavor without the component's own artifacts, composed and checked out as layers in the
 * repository (prepareBuildRoot). This is the part of a local build that writes into the
 * repository; a developer who is not root has the daemon do it and runs the build itself.
 */
export async function prepareLocalBuildRoot(options: LocalBuildRootOptions): Promise<LocalBuildRoot> {
  const root = parseRootName(options.root);
  const repo = openRepository(options.repoDir);
  const develRoot = `${root.version}-devel-${root.flavor}-${root.arch}`;
  const layer = await developmentLayer(repo, develRoot, options.component, buildRootOf(root), root.flavor);
  const prepared = await prepareBuildRoot({ repoDir: repo.dir, base: baseBranch(options.base ?? DEFAULT_BASE, root.arch), artifactTrees: [layer] });
  if (options.readableByGroup !== undefined) openBuildRootsToGroup(repo, options.readableByGroup, prepared.layers);
  return { treeId: prepared.treeId, layers: [...prepared.layers] };
}

/**
 * The devel root's artifacts without the component's own: what a local build of it sees over the
 * toolchain base. The base the devel root is composed over stays out (the build has its own).
 */
async function developmentLayer(repo: Repository, develRoot: string, component: string, buildRoot: string, flavor: Flavor): Promise<Oid> {
  const tip = await readRef(repo, branchRef(rootBranch(develRoot)));
  if (tip === null) {
    throw new HacktreeError('REF_NOT_FOUND', `the devel root ${develRoot} does not exist: a local build needs the other components' -devel artifacts`, {
      hint: `compose it: "hacktree root compose ${develRoot}"`,
      data: { root: develRoot },
    });
  }
  const snapshot = await readSnapshot(repo, tip);
  const providers = parseManifest(snapshot.manifest ?? '');
  const keys = { o: 'local', r: buildRoot, b: flavor, v: '0' };
  const without = replaceComponents({ entries: snapshot.entries, providers }, [
    { fileName: formatArtifactName({ name: component, kind: 'runtime', keys }), entries: [] },
    { fileName: formatArtifactName({ name: component, kind: 'devel', keys }), entries: [] },
  ]);
  return writeSnapshot(repo, artifactEntries(without.entries, without.providers));
}
