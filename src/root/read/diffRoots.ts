import { diffEntries, type ChangeStatus, type EntryChange } from '../../model/snapshot/diffEntries.js';
import type { Oid } from '../../model/git/oid.js';
import { readSnapshot } from '../../store/snapshot/readSnapshot.js';
import { openRepository } from '../../store/repository/repository.js';
import { resolveRoot } from './resolveRoot.js';

export interface RootDiff {
  from: { name: string; commit: Oid; tree: Oid };
  to: { name: string; commit: Oid; tree: Oid };
  changes: EntryChange[];
  summary: Record<ChangeStatus, number>;
}

/** `hacktree root diff A B`: what B adds, removes and changes relative to A, by path. */
export async function diffRoots(options: { repoDir: string; from: string; to: string }): Promise<RootDiff> {
  const repo = openRepository(options.repoDir);
  const fromCommit = (await resolveRoot(repo, options.from)).commit;
  const toCommit = (await resolveRoot(repo, options.to)).commit;
  const before = await readSnapshot(repo, fromCommit);
  const after = await readSnapshot(repo, toCommit);
  const changes = before.tree === after.tree ? [] : diffEntries(before.entries, after.entries);
  const summary: Record<ChangeStatus, number> = { added: 0, removed: 0, modified: 0, metadata: 0 };
  for (const change of changes) summary[change.status]++;
  return {
    from: { name: options.from, commit: fromCommit, tree: before.tree },
    to: { name: options.to, commit: toCommit, tree: after.tree },
    changes,
    summary,
  };
}
