import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The clone this test runs from (dist/test/journeys/ is three levels below it). */
export const clone = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * What the journeys keep between runs, outside the clone: the repository (its bases and
 * imported artifacts), the built artifacts, the source cache and the deployments. Built once
 * per machine (or CI run); later runs find everything cached, as a user's machine would.
 */
export const journeyCache = join(process.env.HACKTREE_TEST_CACHE ?? '/var/cache/hacktree-test', 'journeys');

export interface StepResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface JourneyShell {
  /** The user's home directory for this journey (a new empty directory). */
  home: string;
  /**
   * Runs one command line as the user types it (bash), in `cwd` (default: the clone); as root, or
   * as `user` (an account of the machine, with its groups and its home as HOME) when given.
   */
  run(command: string, cwd?: string, user?: string): StepResult;
  /** run(), asserting exit status 0; returns stdout. */
  ok(command: string, cwd?: string, user?: string): string;
  /** Ends the journey: its mount namespace, with every mount made in it, goes away. */
  close(): void;
}

/**
 * A user's machine for one journey, on this one: a private mount namespace (kept alive by a
 * process of its own, so deployments published in one step are there in the next) in which
 * hacktree's default places are the journey's own: /var/lib/hacktree (the repository),
 * /var/cache/hacktree (sources), /opt/hacktree (deployments), /etc/hacktree (no config) and the
 * clone's artifacts/. So the commands are exactly the README's, defaults and all, and touch
 * nothing of the machine's. The deployments of earlier journeys are published again first, as
 * `hacktree root mount --all` does at boot.
 */
export function startJourney(): JourneyShell {
  const home = mkdtempSync(join(tmpdir(), 'hacktree-journey-home-'));
  const etc = mkdtempSync(join(tmpdir(), 'hacktree-journey-etc-'));
  // As a machine's /etc/hacktree is: users who are not root read the config there too.
  chmodSync(etc, 0o755);
  const binds: Array<[string, string]> = [
    [join(journeyCache, 'var-lib'), '/var/lib/hacktree'],
    [join(journeyCache, 'var-cache'), '/var/cache/hacktree'],
    [join(journeyCache, 'prefix'), '/opt/hacktree'],
    [join(journeyCache, 'artifacts'), join(clone, 'artifacts')],
    [etc, '/etc/hacktree'],
  ];
  for (const [from, to] of binds) {
    mkdirSync(from, { recursive: true });
    mkdirSync(to, { recursive: true });
  }
  const holder: ChildProcess = spawn('unshare', ['-m', '--propagation', 'private', 'sleep', 'infinity'], { stdio: 'ignore' });
  const pid = holder.pid;
  assert.ok(pid !== undefined, 'could not start unshare');
  waitForOwnMountNamespace(pid);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('HACKTREE_')) env[k] = v;
  Object.assign(env, { HOME: home, PATH: `${join(clone, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}` });
  const inNamespace = (script: string, cwd: string, user?: string): StepResult => {
    const as = user === undefined ? [] : ['setpriv', `--reuid=${user}`, `--regid=${groupOf(user)}`, '--init-groups'];
    const r = spawnSync('nsenter', ['-t', String(pid), '-m', '--', ...as, 'bash', '-euo', 'pipefail', '-c', 'cd -- "$1"; shift; eval "$1"', 'journey', cwd, script], {
      env: user === undefined ? env : { ...env, HOME: homeOf(user), USER: user, LOGNAME: user },
      // No input, as at a prompt nothing types into a command: a pipe here is a socket pair,
      // which bash takes for rshd's connection and then reads /etc/bash.bashrc (noise on stderr).
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (r.error) throw r.error;
    return { status: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
  };
  const mounted = inNamespace(binds.map(([from, to]) => `mount --bind '${from}' '${to}'`).join('\n'), '/');
  assert.equal(mounted.status, 0, `journey mounts:\n${mounted.stderr}`);
  const shell: JourneyShell = {
    home,
    run: (command, cwd = clone, user) => inNamespace(command, cwd, user),
    ok(command, cwd, user) {
      const r = shell.run(command, cwd, user);
      assert.equal(r.status, 0, `${user ?? ''}$ ${command}\nexit ${r.status}\n${r.stdout}\n${r.stderr}`);
      return r.stdout;
    },
    close() {
      holder.kill('SIGKILL');
      rmSync(home, { recursive: true, force: true });
      rmSync(etc, { recursive: true, force: true });
    },
  };
  const boot = shell.run('test ! -e /var/lib/hacktree/repo || hacktree root mount --all -q');
  assert.equal(boot.status, 0, `hacktree root mount --all:\n${boot.stderr}`);
  return shell;
}

/** A user's primary group and home directory, from the machine's accounts (getent). */
function groupOf(user: string): string {
  return account(user)[3]!;
}
function homeOf(user: string): string {
  return account(user)[5]!;
}
function account(user: string): string[] {
  const r = spawnSync('getent', ['passwd', user], { encoding: 'utf8' });
  assert.equal(r.status, 0, `no user ${user} on this machine`);
  return r.stdout.trim().split(':');
}

function waitForOwnMountNamespace(pid: number): void {
  const ours = readlinkSync('/proc/self/ns/mnt');
  for (let i = 0; i < 500; i++) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/mnt`) !== ours) return;
    } catch (err) {
      // Not started yet.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    spawnSync('sleep', ['0.01']);
  }
  throw new Error('unshare did not make its mount namespace');
}
