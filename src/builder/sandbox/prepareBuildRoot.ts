import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { artifactRecordParser } from '../../model/artifact/artifactRecordSchema.js';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import { isOid, type Oid } from '../../model/git/oid.js';
import { TOP } from '../../model/snapshot/repoPath.js';
import { unionLayers, type Layer } from '../../model/snapshot/unionLayers.js';
import { writeFileAtomic } from '../../store/repository/atomicWrite.js';
import { checkoutSnapshot } from '../../store/checkout/checkoutSnapshot.js';
import { entryExists } from '../../platform/fs/entryExists.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import { isAlive } from '../../platform/fs/lockFile.js';
import { readSnapshot, topTreeOf } from '../../store/snapshot/readSnapshot.js';
import { readRef, resolveRevision } from '../../store/refs/refs.js';
import { openRepository, type Repository } from '../../store/repository/repository.js';
import { withRepoWrite } from '../../store/repository/withRepoWrite.js';
import type { BuildRootLayers } from './runSandboxed.js';
import { writeCommit } from '../../store/objects/writeCommit.js';
import { writeSnapshot } from '../../store/snapshot/writeSnapshot.js';

/** Each composed build root's commit, so nothing prunes its objects while builds use it. */
export const BUILD_ROOT_REF_PREFIX = 'refs/hacktree/buildroots/';

export interface PrepareBuildRootOptions {
  repoDir: string;
  /** The base toolchain root: a branch (base/debian-bookworm-x86_64), ref or commit. */
  base: string;
  /** Tree ids of imported artifacts (the dependencies' -runtime and -devel), layered on the base in order. */
  artifactTrees: readonly Oid[];
}

export interface BuildRoot extends BuildRootLayers {
  /** The composed snapshot's top tree (base + artifacts): equal inputs give the same id. */
  treeId: Oid;
  /** refs/hacktree/buildroots/<treeId>: keeps the composed tree and every layer reachable. */
  ref: string;
  /** True when every layer had been checked out before: nothing was checked out now. */
  reused: boolean;
}

/**
 * Composes a build root in the store (base + artifacts, which replace the base's files at their
 * paths; a path two artifacts ship differently is TREE_CONFLICT naming both) under a ref, and makes its layers: the base and each artifact are
 * checked out once per tree id, with the store's hardlink checkout (staged under a temporary
 * name and renamed, so a final name only ever holds a whole tree), under
 * REPO/hacktree/buildroots/<tree>; the sandbox stacks them read-only with overlayfs.
 *
 * Layers, not one checkout per dependency set: checking a whole base out for every new set of
 * dependencies missed the 1 s target (docs/decisions/0014-build-roots-as-layers.md).
 */
export async function prepareBuildRoot(options: PrepareBuildRootOptions): Promise<BuildRoot> {
  const repo = openRepository(options.repoDir);
  const baseCommit = await resolveBase(repo, options.base);
  const baseTree = await topTreeOf(repo, baseCommit);
  const layerTrees = [...new Set([baseTree, ...options.artifactTrees])];
  const inputs = inputsPath(repo, baseCommit, options.artifactTrees);
  let treeId = await rememberedTreeId(repo, inputs);
  const entriesByTree = new Map<Oid, readonly FsEntry[]>();
  if (treeId === null) treeId = await composeBuildRoot(repo, baseCommit, options, entriesByTree);
  let reused = true;
  const layers: string[] = [];
  for (const tree of layerTrees) {
    const dir = join(repo.buildRootsDir, tree);
    layers.push(dir);
    if (entryExists(dir)) continue;
    reused = false;
    // Two builds of one process asking for the same layer share one checkout.
    let pending = checkoutsInProgress.get(dir);
    if (pending === undefined) {
      pending = checkOutOnce(repo, entriesByTree.get(tree) ?? (await readSnapshot(repo, tree)).entries, dir).finally(() => checkoutsInProgress.delete(dir));
      checkoutsInProgress.set(dir, pending);
    }
    await pending;
  }
  const mountPoint = join(repo.buildRootsDir, MOUNT_POINT);
  mkdirSync(mountPoint, { recursive: true, mode: 0o700 });
  mkdirSync(dirname(inputs), { recursive: true, mode: 0o700 });
  writeFileAtomic(repo, inputs, [Buffer.from(`${treeId}\n`)]);
  return { treeId, ref: `${BUILD_ROOT_REF_PREFIX}${treeId}`, layers, mountPoint, reused };
}

const checkoutsInProgress = new Map<string, Promise<void>>();

/** Where a sandbox mounts its stack of layers, in its own mount namespace (so one directory serves all). */
const MOUNT_POINT = '.overlay';

/**
 * The inputs (base commit, artifact trees in order) decide the composed tree, so the tree id
 * is remembered under a hash of them: a later build with the same dependencies skips reading
 * the base snapshot and writing the composed trees, most of the work
 * (docs/decisions/0014-build-roots-as-layers.md). The record is derived data; without it the
 * composition is simply done again.
 */
function inputsPath(repo: Repository, baseCommit: Oid, artifactTrees: readonly Oid[]): string {
  const key = createHash('sha256').update([baseCommit, ...artifactTrees].join('\n')).digest('hex');
  return join(repo.buildRootsDir, '.inputs', key);
}

async function rememberedTreeId(repo: Repository, inputs: string): Promise<Oid | null> {
  let text: string;
  try {
    text = readFileSync(inputs, 'utf8').trim();
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return null;
    throw err;
  }
  if (!isOid(text) || (await readRef(repo, `${BUILD_ROOT_REF_PREFIX}${text}`)) === null) return null;
  return text;
}

/** Checks the union for conflicts, writes its tree and ref; collects each layer's entries for the checkouts. */
async function composeBuildRoot(repo: Repository, baseCommit: Oid, options: PrepareBuildRootOptions, entriesByTree: Map<Oid, readonly FsEntry[]>): Promise<Oid> {
  return withRepoWrite(repo, async (refs) => {
    const base = await readSnapshot(repo, baseCommit);
    entriesByTree.set(base.tree, base.entries);
    const layers: Layer[] = [];
    for (const tree of options.artifactTrees) {
      const snapshot = await readSnapshot(repo, tree);
      entriesByTree.set(tree, snapshot.entries);
      // Only a label for conflicts: a record that does not parse names the tree instead.
      const record = snapshot.artifact === undefined ? undefined : artifactRecordParser.parse(snapshot.artifact);
      const fileName = record?.ok ? record.value.fileName : undefined;
      // The base owns `/`: an artifact's top directory is its DESTDIR's (often a 0700 temp dir), not something it ships.
      const shipped = snapshot.entries.filter((entry) => entry.path !== TOP);
      layers.push({ label: fileName === undefined ? `tree ${tree}` : `artifact ${fileName}`, entries: shipped });
    }
    // The base alone is its own tree: nothing to write. Artifacts replace what the base has at
    // their paths, as in a root composed over a base (and as the overlay stacks them); two
    // artifacts that ship one path differently are a conflict.
    const baseLayer: Layer = { label: `base ${options.base}`, entries: base.entries };
    const treeId = layers.length === 0 ? base.tree : writeSnapshot(repo, unionLayers([baseLayer, { label: 'artifacts', entries: unionLayers(layers, { union: false }).entries }], { union: true }).entries);
    const ref = `${BUILD_ROOT_REF_PREFIX}${treeId}`;
    if ((refs.pending(ref) ?? (await readRef(repo, ref))) === null) {
      // The composed tree holds every blob of every layer: this ref keeps them all from pruning.
      const message = `Build root ${treeId}\n\n${[baseLayer, ...layers].map((layer) => `${layer.label}\n`).join('')}`;
      refs.set(ref, writeCommit(repo, { tree: treeId, parents: [], message }), null);
    }
    return treeId;
  });
}

async function resolveBase(repo: Repository, base: string): Promise<Oid> {
  try {
    return await resolveRevision(repo, base);
  } catch (err) {
    if (!isHacktreeError(err, 'REF_NOT_FOUND')) throw err;
    throw new HacktreeError('BASE_ROOT_MISSING', `the base toolchain root ${base} is not in ${repo.dir}`, {
      hint: 'make it with "hacktree bootstrap" (debootstrap) or "hacktree bootstrap --from DIR|TARBALL"',
      data: { base },
      cause: err,
    });
  }
}

/** Checks a layer out at `dir`, unless another process gets there first. */
async function checkOutOnce(repo: Repository, entries: readonly FsEntry[], dir: string): Promise<void> {
  mkdirSync(repo.buildRootsDir, { recursive: true, mode: 0o700 });
  removeAbandonedStaging(repo.buildRootsDir);
  try {
    await checkoutSnapshot(repo, entries, dir);
  } catch (err) {
    // Another process renamed its checkout into place first: the rename is atomic, so it is whole.
    const lostRace = isHacktreeError(err, 'DEST_NOT_EMPTY') || errnoOf(err) === 'ENOTEMPTY' || errnoOf(err) === 'EEXIST';
    if (!lostRace || !entryExists(dir)) throw err;
  }
}

/** checkoutSnapshot stages in `.<name>.hacktree-<pid>`; a killed process leaves it behind. */
function removeAbandonedStaging(buildRootsDir: string): void {
  for (const name of listDirectory(buildRootsDir)) {
    const pid = Number(/^\..*\.hacktree-(\d+)$/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) rmSync(join(buildRootsDir, name), { recursive: true, force: true });
  }
}
