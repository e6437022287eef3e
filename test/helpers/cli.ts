import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Passed as --repo DIR. */
  repo?: string;
  /** Added to the environment. */
  env?: Record<string, string>;
  input?: string;
  cwd?: string;
}

/**
 * The repository's bin/hacktree.js, for tests that run it with node themselves (several at
 * once, say). Resolved from dist/test/helpers/cli.js, where this file is compiled to.
 */
export const hacktreeBin = join(dirname(fileURLToPath(import.meta.url)), '../../../bin/hacktree.js');
/** The hacktree command as installed (bin/hacktree, which runs bin/hacktree.js). */
export const hacktreeCommand = join(dirname(hacktreeBin), 'hacktree');

/** Runs the built hacktree binary as a user would, and returns what it printed. */
export function runHacktree(args: string[], options: RunOptions = {}): RunResult {
  const env: Record<string, string | undefined> = { ...process.env };
  // A HACKTREE_REPO from the developer's shell must never make a test touch a real repository.
  delete env.HACKTREE_REPO;
  Object.assign(env, options.env);
  const repoArgs = options.repo === undefined ? [] : ['--repo', options.repo];
  const result = spawnSync(hacktreeCommand, [...args, ...repoArgs], {
    env,
    cwd: options.cwd,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return toRunResult(result, 'hacktree');
}

/** A new empty directory under the system's temp dir; the caller removes it. */
export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix.endsWith('-') ? prefix : `${prefix}-`));
}

/**
 * Runs a bash script (with -euo pipefail) in a private mount namespace, so the tmpfs and bind
 * mounts it makes vanish with it and never show on the host.
 */
export function inMountNamespace(script: string): RunResult {
  const result = spawnSync('unshare', ['-m', '--propagation', 'private', 'bash', '-euo', 'pipefail', '-c', script], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return toRunResult(result, 'unshare');
}

export function toRunResult(result: SpawnSyncReturns<string>, what: string): RunResult {
  if (result.error) throw new Error(`could not run ${what}: ${result.error.message}`, { cause: result.error });
  // A process killed by a signal has no status; report it the way a shell would.
  const status = result.status ?? 128 + signalNumber(result.signal);
  return { status, stdout: result.stdout, stderr: result.stderr };
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? constants.signals[signal] : 0;
}
