import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { readTopLevel, sandboxArgs, type TopLevelEntry } from '../../platform/process/sandboxArgs.js';
import { archCommand } from '../../platform/process/archCommand.js';
import type { Arch } from '../../model/root/arch.js';

/** Where the host work directory and the install destination appear inside the sandbox. */
export const BUILD_DIR = '/build';
export const DEST_DIR = '/dest';
export const SANDBOX_PATH = '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin';

/** What makes a build's `/` (prepareBuildRoot's answer). */
export interface BuildRootLayers {
  /**
   * Checkouts, lowest first: the base, then each dependency artifact. One is bound as it is;
   * more are stacked with overlayfs (read-only lowers, no upper) at mountPoint, in a mount
   * namespace of the sandbox's own, so the mount vanishes with it.
   */
  layers: readonly string[];
  /** An empty directory the overlay is mounted on. */
  mountPoint: string;
}

export interface SandboxedCommand {
  /** `/`, read-only. */
  buildRoot: BuildRootLayers;
  /** Host directory bound read-write at /build. */
  workdir: string;
  /** Host directory bound read-write at /dest. */
  destdir: string;
  command: readonly string[];
  /** Working directory inside the sandbox; default /build. */
  cwd?: string;
  sourceDateEpoch: number;
  /** Added to the clean environment (and may override it). */
  env?: Readonly<Record<string, string>>;
  /** stdout and stderr are appended here. */
  logFile: string;
  /** The arch the build root's userland is for: the sandbox runs under its personality. Default the host's. */
  arch?: Arch;
}

/**
 * Runs a command in the build sandbox and resolves to its exit status (128 + signal number when
 * a signal ended it): bubblewrap with every namespace unshared (no network: only a loopback of
 * its own), no capabilities, a clean environment, the build root as a read-only `/` with
 * /proc, /dev and a tmpfs /tmp, the work dir at /build and the destination at /dest. A missing
 * bwrap, or a sandbox that never started, is SANDBOX_FAILED.
 */
export async function runSandboxed(run: SandboxedCommand): Promise<number> {
  const env: Record<string, string> = {
    PATH: SANDBOX_PATH,
    HOME: '/tmp',
    TZ: 'UTC',
    LC_ALL: 'C',
    SOURCE_DATE_EPOCH: String(run.sourceDateEpoch),
    ...run.env,
  };
  const options = ['--unshare-all', '--new-session', '--cap-drop', 'ALL', '--clearenv'];
  for (const [name, value] of Object.entries(env)) options.push('--setenv', name, value);
  options.push('--json-status-fd', '3');
  const stacked = run.buildRoot.layers.length > 1;
  const args = buildRootArgs(
    {
      rootDir: stacked ? run.buildRoot.mountPoint : run.buildRoot.layers[0]!,
      topLevel: stacked ? stackedTopLevel(run.buildRoot.layers) : undefined,
      writableBinds: [
        { hostDir: run.workdir, path: BUILD_DIR },
        { hostDir: run.destdir, path: DEST_DIR },
      ],
      options,
      chdir: run.cwd ?? BUILD_DIR,
    },
    run.command,
  );
  const log = openSync(run.logFile, 'a');
  const logStart = fstatSync(log).size;
  let exit: { code: number | null; signal: NodeJS.Signals | null; status: string };
  try {
    exit = await new Promise((resolvePromise, reject) => {
      const sandbox = stacked ? ['unshare', ...overlayThenSandbox(run.buildRoot), 'bwrap', ...args] : ['bwrap', ...args];
      const [program, ...programArgs] = run.arch === undefined ? sandbox : archCommand(run.arch, sandbox, 'the build sandbox');
      const child = spawn(program!, programArgs, { stdio: ['ignore', log, log, 'pipe'] });
      let status = '';
      (child.stdio[3] as Readable).on('data', (chunk: Buffer) => (status += chunk.toString('utf8')));
      child.on('error', (err) => reject(errnoOf(err) === 'ENOENT' ? missingProgram(program!, err) : err));
      child.on('close', (code, signal) => resolvePromise({ code, signal, status }));
    });
  } finally {
    closeSync(log);
  }
  // bwrap reports "exit-code" only for a command that ran: without it, setting up the sandbox
  // failed ("child-pid" comes before the mounts are made, so it proves nothing).
  const exitCode = /"exit-code":\s*(\d+)/.exec(exit.status)?.[1];
  if (exitCode !== undefined) return Number(exitCode);
  // bwrap itself was killed (a timeout, say): the command went with it.
  if (exit.signal !== null) return 128 + constants.signals[exit.signal];
  const said = readFrom(run.logFile, logStart).trim();
  throw new HacktreeError('SANDBOX_FAILED', `the build sandbox did not start (bwrap exit status ${exit.code}): ${said || 'no message'}`, {
    hint: 'bubblewrap must run here: as root, or with unprivileged user namespaces enabled; the build root, work and destination directories must exist',
    data: { buildRoot: run.buildRoot, workdir: run.workdir, destdir: run.destdir, logFile: run.logFile, output: said },
  });
}

/** sandboxArgs, with a build root that is not there said as a sandbox failure. */
function buildRootArgs(...args: Parameters<typeof sandboxArgs>): string[] {
  try {
    return sandboxArgs(...args);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT' && errnoOf(err) !== 'ENOTDIR') throw err;
    throw new HacktreeError('SANDBOX_FAILED', `the build root ${(err as { path?: string }).path ?? args[0].rootDir} is not a directory`, {
      hint: 'prepare it with prepareBuildRoot (the build does), and do not remove hacktree/buildroots while a build runs',
      data: { buildRoot: args[0].rootDir },
      cause: err,
    });
  }
}

/**
 * The merged root's top-level entries, known before the overlay exists: the union of the
 * layers' (the layers were composed without conflicts, so a name has one kind in all of them).
 */
function stackedTopLevel(layers: readonly string[]): TopLevelEntry[] {
  const byName = new Map<string, TopLevelEntry>();
  for (const layer of layers) for (const entry of readTopLevel(layer)) if (!byName.has(entry.name)) byName.set(entry.name, entry);
  return [...byName.values()];
}

// Run by unshare in the sandbox's new mount namespace: mount the stack, then become bwrap.
const MOUNT_THEN_SANDBOX = 'mount -t overlay hacktree-buildroot -o "$1" "$2" || exit 125; shift 2; exec "$@"';

function overlayThenSandbox(buildRoot: BuildRootLayers): string[] {
  for (const layer of buildRoot.layers) {
    if (/[:,\\]/.test(layer)) {
      throw new HacktreeError('SANDBOX_FAILED', `the build root layer ${layer} has a ":", "," or "\\" in its path, which overlayfs options cannot carry`, {
        hint: 'keep the repository at a path without those characters',
        data: { layer },
      });
    }
  }
  // overlayfs lists the top layer first.
  const lowerdir = [...buildRoot.layers].reverse().join(':');
  // A user who is not root mounts in a user namespace of its own, as root there (mapped to
  // itself outside): overlayfs of readable layers needs nothing more (Linux 5.11 and later).
  const userNamespace = process.getuid?.() === 0 ? [] : ['--user', '--map-root-user'];
  return [...userNamespace, '-m', '--propagation', 'private', '--', '/bin/sh', '-c', MOUNT_THEN_SANDBOX, 'sh', `lowerdir=${lowerdir}`, buildRoot.mountPoint];
}

function missingProgram(program: string, err: Error): HacktreeError {
  const hint = program === 'bwrap'
    ? 'install it (apt-get install bubblewrap); every build runs in its sandbox'
    : 'install util-linux (apt-get install util-linux): build roots with dependencies are stacked in a mount namespace it makes';
  return new HacktreeError('SANDBOX_FAILED', `cannot run ${program}: it is not installed`, { hint, cause: err });
}

/** What the log gained since `offset` (bwrap's own complaint, when the sandbox did not start). */
function readFrom(file: string, offset: number): string {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.min(size - offset, 64 * 1024));
    readSync(fd, buffer, 0, buffer.length, offset);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
