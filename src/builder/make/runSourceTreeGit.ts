import { HacktreeError } from '../../errors/HacktreeError.js';
import { runGit } from '../../store/repository/runGit.js';

/**
 * The commits hacktree makes in a source work tree are the recipe's, not the developer's: like
 * hacktree's other commits they are by "hacktree" unless GIT_AUTHOR_* / GIT_COMMITTER_* say
 * otherwise, and dated SOURCE_DATE_EPOCH when it is set. That works with no git identity
 * configured, and no setting of the user's (signing, hooks, line-ending conversion) can make
 * them fail or change what is committed.
 */
const OVERRIDES = [
  '-c', 'user.name=hacktree',
  '-c', 'user.email=hacktree@localhost',
  '-c', 'commit.gpgsign=false',
  '-c', 'tag.gpgsign=false',
  '-c', 'core.hooksPath=/dev/null',
  '-c', 'core.autocrlf=false',
  '-c', 'core.safecrlf=false',
  '-c', 'advice.defaultBranchName=false',
];

const IDENTITY_VARIABLES = ['NAME', 'EMAIL', 'DATE'].flatMap((what) => [`GIT_AUTHOR_${what}`, `GIT_COMMITTER_${what}`]);

/** Runs git in `workTree` (which has or gets its own .git) and returns its stdout; a failure is EXTERNAL_COMMAND_FAILED. */
export async function runSourceTreeGit(workTree: string, args: readonly string[]): Promise<string> {
  const env: Record<string, string> = {};
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  if (Number.isInteger(epoch) && epoch > 0) Object.assign(env, { GIT_AUTHOR_DATE: `@${epoch} +0000`, GIT_COMMITTER_DATE: `@${epoch} +0000` });
  for (const name of IDENTITY_VARIABLES) if (process.env[name]) env[name] = process.env[name]!;
  const run = await runGit({ workTree }, [...OVERRIDES, ...args], { env });
  if (run.status !== 0) {
    throw new HacktreeError('EXTERNAL_COMMAND_FAILED', `git ${args[0]} failed in ${workTree}: ${run.stderr.trim().split('\n').slice(-10).join('\n')}`, {
      hint: 'see what git said; nothing was left behind',
      data: { workTree, args: [...args], status: run.status, stderr: run.stderr },
    });
  }
  return run.stdout;
}
