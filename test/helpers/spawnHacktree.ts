import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { hacktreeBin, hacktreeCommand, type RunOptions, type RunResult } from './cli.js';

/**
 * Starts the built hacktree binary without waiting for it, so several can run at once; resolves
 * when it exits, with how long it ran.
 */
export function spawnHacktree(args: string[], options: RunOptions & { withNode?: boolean } = {}): Promise<RunResult & { ms: number }> {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.HACKTREE_REPO;
  Object.assign(env, options.env);
  const repoArgs = options.repo === undefined ? [] : ['--repo', options.repo];
  const started = Date.now();
  // withNode: node runs bin/hacktree.js itself, rather than the hacktree command (bin/hacktree).
  const [command, ...commandArgs] = options.withNode === true ? [process.execPath, hacktreeBin] : [hacktreeCommand];
  const child = spawn(command!, [...commandArgs, ...args, ...repoArgs], { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    // A process killed by a signal has no status; report it the way a shell would.
    child.on('close', (code, signal) => resolve({ status: code ?? 128 + (signal ? constants.signals[signal] : 0), stdout, stderr, ms: Date.now() - started }));
  });
}
