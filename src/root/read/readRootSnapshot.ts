import type { Oid } from '../../model/git/oid.js';
import { readSnapshot, type StoredSnapshot } from '../../store/snapshot/readSnapshot.js';
import { openRepository, type Repository } from '../../store/repository/repository.js';
import { resolveRoot } from './resolveRoot.js';

export interface RootSnapshot {
  repo: Repository;
  commit: Oid;
  /** The ref NAME resolved through, null for a bare commit id. */
  ref: string | null;
  snapshot: StoredSnapshot;
}

/** Opens the repository and reads the snapshot a root name (or branch, ref, commit) points at. */
export async function readRootSnapshot(repoDir: string, name: string): Promise<RootSnapshot> {
  const repo = openRepository(repoDir);
  const { commit, ref } = await resolveRoot(repo, name);
  return { repo, commit, ref, snapshot: await readSnapshot(repo, commit) };
}
