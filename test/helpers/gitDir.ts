import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/** Runs native git on a bare repository (`git --git-dir=REPO ARGS`), asserting it succeeds; its stdout, trimmed. */
export function gitDir(repo: string, ...args: string[]): string {
  const run = spawnSync('git', [`--git-dir=${repo}`, ...args], { encoding: 'utf8' });
  assert.equal(run.status, 0, `git ${args.join(' ')}: ${run.stderr}`);
  return run.stdout.trim();
}
