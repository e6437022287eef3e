import type { Oid } from '../../model/git/oid.js';
import { parseManifest } from '../../model/snapshot/manifest.js';
import { componentKey, type StaticPackKind } from '../../model/static/staticIndex.js';
import { readCommit } from '../../store/objects/readCommit.js';
import type { Repository } from '../../store/repository/repository.js';
import { runGit } from '../../store/repository/runGit.js';
import { readSnapshot } from '../../store/snapshot/readSnapshot.js';
import { HacktreeError } from '../../errors/HacktreeError.js';

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
 * one small pack with the commit, its trees, its meta record and manifest, and any blob no
 * component claims (a root committed from a directory has no manifest: all its blobs).
 */
export async function planStaticPacks(repo: Repository, commit: Oid): Promise<{ parents: Oid[]; packs: PlannedPack[] }> {
  const { parents, tree } = await readCommit(repo, commit);
  const snapshot = await readSnapshot(repo, commit);
  const providers = snapshot.manifest === undefined ? new Map<string, string>() : parseManifest(snapshot.manifest);
  const byComponent = new Map<string, Set<Oid>>();
  const own = new Set<Oid>([commit, tree]);
  for (const entry of snapshot.entries) {
    if (entry.kind !== 'file' && entry.kind !== 'symlink') continue;
    const provider = providers.get(entry.path);
    if (provider === undefined) own.add(entry.oid);
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
  packs.push({ kind: 'root', name: commit, key: commit, objects: [...own] });
  return { parents, packs };
}

async function gitLines(repo: Repository, args: string[]): Promise<string[]> {
  const run = await runGit(repo, args);
  if (run.status !== 0) throw new HacktreeError('OBJECT_MISSING', `git ${args.join(' ')} failed: ${run.stderr.trim()}`, { hint: 'run "hacktree fsck" on the repository' });
  return run.stdout.split('\n').filter((l) => l !== '');
}
