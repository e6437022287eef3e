import { spawn } from 'node:child_process';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { redactUrl } from '../../model/remote/redactUrl.js';
import type { Repository } from './repository.js';

export interface GitRun {
  status: number;
  stdout: string;
  /** Redacted: URLs lose their credentials. */
  stderr: string;
}

export interface RunGitOptions {
  /** Added to a clean environment (git's own GIT_* variables from the caller are dropped). */
  env?: Record<string, string>;
  input?: Buffer | string;
  /** Called with each chunk of stderr (progress), already redacted. */
  onStderr?: (text: string) => void;
}

/** A work tree with its own .git (hacktree source makes them), rather than the store. */
export interface GitWorkTree {
  workTree: string;
}

/**
 * Runs native git on the repository (or in a work tree) and collects its output. Secrets
 * travel only in `env` (never in argv, which `ps` shows). Never throws for a non-zero status:
 * callers map it.
 */
export function runGit(repo: Repository | GitWorkTree, args: readonly string[], options: RunGitOptions = {}): Promise<GitRun> {
  const location = 'workTree' in repo ? ['-C', repo.workTree] : [`--git-dir=${repo.dir}`];
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('GIT_') && !key.startsWith('HACKTREE_REMOTE_')) env[key] = value;
  }
  Object.assign(env, { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '/bin/false', SSH_ASKPASS: '/bin/false', LC_ALL: 'C' }, options.env);
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...location, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => {
      const text = redactUrl(c.toString('utf8'));
      err += text;
      if (err.length > 1 << 20) err = err.slice(-(1 << 19));
      options.onStderr?.(text);
    });
    child.on('error', (cause) =>
      reject(new HacktreeError('EXTERNAL_COMMAND_FAILED', `could not run git: ${cause.message}`, { hint: 'install git (setup.sh does)', cause })),
    );
    child.on('close', (code, signal) => resolve({ status: code ?? 128 + (signal ? 9 : 0), stdout: Buffer.concat(out).toString('utf8'), stderr: err }));
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
  });
}
