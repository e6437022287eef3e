import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { hacktreeBin, hacktreeCommand, makeTempDir, type RunResult } from './cli.js';
import { composeTwoComponentRoot, packLocalComponent, TWO_COMPONENT_ROOT } from './twoComponentRoot.js';

/**
 * The daemon's tests' world: a repository with root ROOT (alpha, beta) composed, local artifacts
 * of alpha and beta, a private mount namespace held open by a `sleep` (the daemons, and root's
 * direct commands, enter it: its mounts outlive a killed daemon and vanish with the holder),
 * and users made for the test: a developer in the daemon's group and an outsider.
 */
export const ROOT = TWO_COMPONENT_ROOT;

export interface DaemonWorld {
  work: string;
  repo: string;
  prefix: string;
  publicPath: string;
  localAlpha: string;
  localBeta: string;
  group: string;
  developer: TestUser;
  outsider: TestUser;
  holder: ChildProcess;
  /** A path as the namespace's processes see it (through /proc/HOLDER/root). */
  inside(path: string): string;
  /** hacktree as root, directly, inside the namespace. */
  direct(args: string[], env?: Record<string, string>): ByteRunResult;
  /** hacktree as a user, with the daemon's socket in its environment. */
  asUser(user: TestUser | 'root', socket: string, args: string[], env?: Record<string, string>): Promise<ByteRunResult>;
  cleanUp(): void;
}

/** A run's result with its stdout's bytes too (`root cat` of a binary file). */
export type ByteRunResult = RunResult & { bytes: Buffer };

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
}

export function makeDaemonWorld(tag: string): DaemonWorld {
  const work = makeTempDir(`hacktree-${tag}`);
  // The developer reads the artifacts it names and runs hacktree from here.
  chmodSync(work, 0o755);
  const { repo } = composeTwoComponentRoot(work);
  const prefix = join(work, 'prefix');
  mkdirSync(prefix);
  const localAlpha = packLocalComponent(work, 'alpha');
  const localBeta = packLocalComponent(work, 'beta');
  chmodSync(join(work, 'local'), 0o755);

  const suffix = `${process.pid % 100000}`;
  const group = `htd${tag.slice(0, 6)}${suffix}`;
  execFileSync('groupadd', [group]);
  const developer = addUser(`htdev${suffix}${tag.slice(0, 4)}`, [group]);
  const outsider = addUser(`htout${suffix}${tag.slice(0, 4)}`, []);
  const holder = spawn('unshare', ['-m', '--propagation', 'private', 'sleep', 'infinity'], { stdio: 'ignore' });
  waitForOwnMountNamespace(holder.pid!);
  const inside = (path: string) => `/proc/${holder.pid}/root${path}`;
  const baseEnv = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, HACKTREE_REPO: repo, HACKTREE_PREFIX: prefix };
    delete env.HACKTREE_FAILPOINT;
    delete env.HACKTREE_DAEMON;
    delete env.HACKTREE_SOCKET;
    return env;
  };
  return {
    work, repo, prefix, publicPath: join(prefix, `root-${ROOT}`), localAlpha, localBeta, group, developer, outsider, holder, inside,
    direct: (args, env = {}) => runSync('nsenter', ['-t', String(holder.pid), '-m', '--', process.execPath, hacktreeBin, ...args], { ...baseEnv(), ...env }),
    asUser: (user, socket, args, env = {}) => {
      const as = user === 'root' ? [] : ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups'];
      const [command, ...rest] = [...as, hacktreeCommand, ...args];
      return run(command!, rest, { ...baseEnv(), HACKTREE_SOCKET: socket, ...env });
    },
    cleanUp: () => {
      holder.kill('SIGKILL');
      for (const user of [developer, outsider]) execFileSync('userdel', [user.name]);
      execFileSync('groupdel', [group]);
      execFileSync('rm', ['-rf', work]);
    },
  };
}

/**
 * Until `unshare` has made its namespace, /proc/PID/ns/mnt is this process's: an nsenter then
 * would mount in the test's own namespace (a loaded machine shows it), so wait for the switch.
 */
function waitForOwnMountNamespace(pid: number): void {
  const own = readlinkSync('/proc/self/ns/mnt');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 3000; i++) {
    if (readlinkSync(`/proc/${pid}/ns/mnt`) !== own) return;
    Atomics.wait(pause, 0, 0, 10);
  }
  throw new Error(`unshare (pid ${pid}) made no mount namespace`);
}

function addUser(name: string, groups: string[]): TestUser {
  execFileSync('useradd', ['--no-create-home', '--user-group', ...(groups.length ? ['--groups', groups.join(',')] : []), name]);
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  return { name, uid, gid };
}

function runSync(command: string, args: string[], env: NodeJS.ProcessEnv): ByteRunResult {
  try {
    const bytes = execFileSync(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: 0, stdout: bytes.toString('utf8'), stderr: '', bytes };
  } catch (err) {
    const e = err as { status: number | null; stdout?: Buffer; stderr?: Buffer };
    const bytes = e.stdout ?? Buffer.alloc(0);
    return { status: e.status ?? 128, stdout: bytes.toString('utf8'), stderr: (e.stderr ?? Buffer.alloc(0)).toString('utf8'), bytes };
  }
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<ByteRunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const bytes = Buffer.concat(stdout);
      resolve({ status: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), stdout: bytes.toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), bytes });
    });
  });
}

export interface TestDaemon {
  process: ChildProcess;
  socket: string;
  /** Everything the daemon logged so far. */
  log(): string;
  /** Resolves with its exit status and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** `hacktree daemon` in the world's namespace, in the foreground, once it listens. */
export async function startTestDaemon(world: DaemonWorld, socket: string, options: { env?: Record<string, string>; args?: string[] } = {}): Promise<TestDaemon> {
  const env: NodeJS.ProcessEnv = { ...process.env, HACKTREE_REPO: world.repo, HACKTREE_PREFIX: world.prefix, ...options.env };
  delete env.HACKTREE_SOCKET;
  const child = spawn('nsenter', ['-t', String(world.holder.pid), '-m', '--', process.execPath, hacktreeBin, 'daemon', '--socket', socket, '--group', world.group, ...(options.args ?? [])], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d) => {
      log += String(d);
      if (log.includes('listening on')) resolve();
    });
    void exited.then(({ code }) => reject(new Error(`the daemon exited (${code}) before it listened: ${log}`)));
  });
  return {
    process: child,
    socket,
    log: () => log,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One HTTP request on the daemon's socket: its status, content type and body. */
export function daemonRequest(socket: string, method: string, path: string, body?: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The lines of an operation's answer, parsed. */
export function answerLines(body: string): Array<Record<string, unknown>> {
  return body.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

export function assertOk(result: RunResult, what: string): void {
  assert.equal(result.status, 0, `${what}: ${result.stderr}${result.stdout}`);
}
