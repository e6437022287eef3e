import type { Oid } from '../../model/git/oid.js';
import { parseManifest } from '../../model/snapshot/manifest.js';
import { componentKey, type StaticPackKind } from '../../model/static/staticIndex.js';
import { readCommit } from '../../store/objects/readCommit.js';
import type { Repository } from '../../store/repository/repository.js';
import { runGit } from '../../store/repository/runGit.js';
import { readSnapshot } from '../../store/snapshot/readSnapshot.js';
import { HacktreeError } from '../../errors/HacktreeError.js';

/** Uncompressed bytes of unclaimed blobs per root pack. */
export const CHUNK_BYTES = 128 << 20;

export interface PlannedPack {
  kind: StaticPackKind;
  name: string;
  key: string;
  objects: Oid[];
}

/**
 * How one root commit is cut into packs (docs/static.md): one pack per component that
 * provided files (an artifact, or the base), holding the blobs the manifest says it provided,
 * keyed by those blobs so that every root and version with the same component shares it; and
 * root packs with the commit, its trees, its meta record and manifest, and any blob no
 * component claims (a root committed from a directory has no manifest: all its blobs). Those
 * blobs are cut, in path order, into root packs of about CHUNK_BYTES each: one pack would be
 * downloaded, decompressed and indexed by one process, where several go in parallel (measured
 * on W1: docs/decisions/0019-static-root-parts-and-layers.md).
 */
export async function planStaticPacks(repo: Repository, commit: Oid): Promise<{ parents: Oid[]; packs: PlannedPack[] }> {
  const { parents, tree } = await readCommit(repo, commit);
  const snapshot = await readSnapshot(repo, commit);
  const providers = snapshot.manifest === undefined ? new Map<string, string>() : parseManifest(snapshot.manifest);
  const byComponent = new Map<string, Set<Oid>>();
  const own = new Set<Oid>([commit, tree]);
  const unclaimed = new Map<Oid, number>();
  for (const entry of [...snapshot.entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (entry.kind !== 'file' && entry.kind !== 'symlink') continue;
    const provider = providers.get(entry.path);
    if (provider === undefined) unclaimed.set(entry.oid, entry.kind === 'file' ? entry.size : entry.target.length);
    else {
      let blobs = byComponent.get(provider);
      if (!blobs) byComponent.set(provider, (blobs = new Set()));
      blobs.add(entry.oid);
    }
  }
  const trees = await gitLines(repo, ['ls-tree', '-r', '-d', '-t', '--format=%(objectname)', tree]);
  const top = await gitLines(repo, ['ls-tree', '--format=%(objecttype) %(objectname)', tree]);
  for (const oid of trees) own.add(oid as Oid);
  for (const line of top) if (line.startsWith('blob ')) own.add(line.slice(5) as Oid);
  const packs: PlannedPack[] = [...byComponent].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, blobs]) => ({ kind: 'component', name, key: componentKey(blobs), objects: [...blobs].sort() }));
  for (const oid of own) unclaimed.delete(oid);
  const chunks = cutIntoChunks(unclaimed);
  packs.push({ kind: 'root', name: commit, key: commit, objects: [...own, ...(chunks.shift() ?? [])] });
  chunks.forEach((blobs, i) => packs.push({ kind: 'root', name: `${commit} part ${i + 2}`, key: componentKey(blobs), objects: blobs }));
  return { parents, packs };
}

/** Blobs (in the order given) cut into runs of about CHUNK_BYTES; none when there are none. */
function cutIntoChunks(blobs: Map<Oid, number>): Oid[][] {
  const chunks: Oid[][] = [];
  let current: Oid[] = [];
  let bytes = 0;
  for (const [oid, size] of blobs) {
    if (bytes >= CHUNK_BYTES) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(oid);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

async function gitLines(repo: Repository, args: string[]): Promise<string[]> {
  const run = await runGit(repo, args);
  if (run.status !== 0) throw new HacktreeError('OBJECT_MISSING', `git ${args.join(' ')} failed: ${run.stderr.trim()}`, { hint: 'run "hacktree fsck" on the repository' });
  return run.stdout.split('\n').filter((l) => l !== '');
}
