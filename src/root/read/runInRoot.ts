import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import { asOid, type Oid } from '../../model/git/oid.js';
import { checkoutSnapshot } from '../../store/checkout/checkoutSnapshot.js';
import { readSnapshot } from '../../store/snapshot/readSnapshot.js';
import { openRepository } from '../../store/repository/repository.js';
import { layersOf, publicPathOf, readDeployState } from '../deploy/deploymentState.js';
import { countMountsAt, isShowing } from '../deploy/mountReadOnly.js';
import { resolveRoot } from './resolveRoot.js';
import { sandboxArgs } from '../../platform/process/sandboxArgs.js';
import { archCommand } from '../../platform/process/archCommand.js';
import { canonicalArch, type Arch } from '../../model/root/arch.js';
import { parseRootName } from '../../model/root/rootName.js';

export interface RunInRootOptions {
  repoDir: string;
  name: string;
  prefix: string;
  command: string[];
}

/**
 * `hacktree root run NAME -- CMD…`: runs CMD under bubblewrap with the root as a read-only `/`
 * (plus /proc, /dev and a /tmp tmpfs), stdio inherited. The current deployment is used when
 * the root is deployed, else a temporary hardlinked checkout (of the deployed commit when that
 * is a layer not mounted now), removed afterwards. Resolves to CMD's exit status (128 + signal
 * number when a signal ended it). A root of another arch runs under that arch's personality
 * (i686 on x86_64: `uname -m` says i686), or through qemu-user when binfmt_misc has it (aarch64
 * on x86_64), or is refused before anything is checked out, naming what to install.
 */
export async function runInRoot(options: RunInRootOptions): Promise<number> {
  if (options.command.length === 0) throw new HacktreeError('USAGE', 'give the command to run after --');
  const runSandboxed = sandboxRunner(options.name);
  const deployed = deployedTree(options.prefix, options.name);
  if (typeof deployed === 'string') return runSandboxed(deployed, options.command);
  const repo = openRepository(options.repoDir);
  const commit = deployed?.commit ?? (await resolveRoot(repo, options.name)).commit;
  const snapshot = await readSnapshot(repo, commit, { linkRecords: true });
  // Named after this process, so fsck removes it only if the process was killed.
  const holder = join(repo.tmpDir, `${process.pid}-run-${Date.now()}`);
  mkdirSync(holder, { mode: 0o700 });
  try {
    await checkoutSnapshot(repo, snapshot.entries, join(holder, 'root'), { linkRecords: snapshot.linkRecords });
    return await runSandboxed(join(holder, 'root'), options.command);
  } finally {
    rmSync(holder, { recursive: true, force: true });
  }
}

/**
 * The deployed tree to run in: the public path while it shows the current deployment (readable
 * by everyone, unlike .real), else the current deployment's directory, or, for a layer that is
 * not mounted now, its commit to check out; null when not deployed. Users other than root
 * cannot read the state under .real: for them a mounted public path is it.
 */
function deployedTree(prefix: string, name: string): string | { commit: Oid } | null {
  const publicPath = publicPathOf(prefix, name);
  let current;
  try {
    current = readDeployState(prefix, name)?.current ?? null;
  } catch (err) {
    if (!isHacktreeError(err, 'NOT_PERMITTED')) throw err;
    return countMountsAt(publicPath) > 0 ? publicPath : null;
  }
  if (current === null) return null;
  if (isShowing(publicPath, layersOf(current))) return publicPath;
  // Not mounted (before "root mount --all"): a full checkout can still be run in, a layer alone not.
  return current.base === undefined ? current.dir : { commit: asOid(current.commit) };
}

/**
 * Runs a command in a root of this name's arch. A name that does not parse, or whose arch
 * hacktree does not know, runs as the host's: roots committed under any branch name can be run.
 */
function sandboxRunner(name: string): (rootDir: string, command: string[]) => Promise<number> {
  let arch: Arch | undefined;
  try {
    arch = canonicalArch(parseRootName(name).arch);
  } catch (err) {
    if (!isHacktreeError(err, 'ROOT_NAME_INVALID')) throw err;
  }
  const wrap = (argv: string[]): string[] => (arch === undefined ? argv : archCommand(arch, argv, `root run ${name}`, 'run'));
  // Refused now, before a checkout is made for nothing.
  wrap(['bwrap']);
  return (rootDir, command) => runSandboxed(wrap(['bwrap', ...sandboxArgs({ rootDir }, command)]));
}

function runSandboxed(argv: string[]): Promise<number> {
  const [program, ...args] = argv;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(program!, args, { stdio: 'inherit' });
    child.on('error', (err) =>
      reject(new HacktreeError('EXTERNAL_COMMAND_FAILED', `cannot run ${program}: ${err.message}`, { hint: 'install bubblewrap (apt-get install bubblewrap)', cause: err })),
    );
    child.on('close', (code, signal) => {
      resolvePromise(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
    });
  });
}
