import { summarizeCommit, type CommitSummary } from '../../model/git/commitSummary.js';
import { readCommit } from '../../store/objects/readCommit.js';
import { listRefs } from '../../store/refs/refs.js';
import { openRepository } from '../../store/repository/repository.js';

export interface RootBranch extends CommitSummary {
  /** The root's name: "3.2-runtime-opt-x86_64". */
  name: string;
  /** The branch: "root-3.2-runtime-opt-x86_64" or "local/root-3.2-runtime-opt-x86_64". */
  branch: string;
  /** A developer override branch (local/root-NAME). */
  local: boolean;
}

/** `hacktree root list`: every root-NAME and local/root-NAME branch with its tip. */
export async function listRoots(options: { repoDir: string }): Promise<RootBranch[]> {
  const repo = openRepository(options.repoDir);
  const out: RootBranch[] = [];
  for (const { ref, oid } of await listRefs(repo, 'refs/heads/')) {
    const branch = ref.slice('refs/heads/'.length);
    const local = branch.startsWith('local/root-');
    if (!local && !branch.startsWith('root-')) continue;
    const name = branch.slice(local ? 'local/root-'.length : 'root-'.length);
    out.push({ name, branch, local, ...summarizeCommit(oid, await readCommit(repo, oid)) });
  }
  return out;
}
