import { execFile } from 'node:child_process';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { parseAptMirror } from '../../model/root/aptMirror.js';
import type { BaseDefinition } from '../../model/root/baseDefinition.js';
import { validateRefName } from '../../model/git/refName.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import type { TreeLayerSpec } from '../../model/snapshot/treeLayerSpec.js';
import { commitLayers } from '../../store/snapshot/commitLayers.js';
import { openRepository } from '../../store/repository/repository.js';
import type { ProgressCallback } from '../../store/blobs/storeFilesInParallel.js';
import { prepareBuildRoot } from '../sandbox/prepareBuildRoot.js';
import { archCommand, hostArch } from '../../platform/process/archCommand.js';
import { debianArch, nativeBuildOf, type Arch } from '../../model/root/arch.js';

export const BASE_BRANCH_PREFIX = 'base/';
/** What every build root starts from: a C toolchain and the autotools. */
export const BASE_PACKAGES = ['build-essential', 'autoconf', 'automake', 'libtool', 'pkg-config'];

export interface BootstrapOptions {
  repoDir: string;
  /** A directory or a tarball (.tar or .tar.gz) to commit instead of running debootstrap. */
  from?: string;
  /** Default `debian-SUITE-ARCH`. */
  name?: string;
  /** The arch of the userland debootstrap makes (its --arch); default this machine's. */
  arch?: Arch;
  /** Default bookworm. */
  suite?: string;
  /** Default: the mirror in apt's sources. */
  mirror?: string;
  /** Debootstrap as this definition says (suite, variant, packages) onto base/NAME-ARCH; without it, minbase + BASE_PACKAGES. */
  definition?: BaseDefinition;
  /**
   * A directory of .deb files shared by the bases one run makes: debootstrap reuses the ones
   * it finds (after checking their checksums) and the ones it downloads are kept here.
   */
  debCache?: string;
  /** Check the base out as a build root layer at once (the toolchain base builds run on); default true. */
  forBuilds?: boolean;
  /**
   * Runs the commit (and the build root checkout) when the caller says: bases debootstrapped at
   * once by one process commit one after the other, as the repository's write lock expects of
   * one process. Default: at once.
   */
  inTurn?: <T>(commit: () => Promise<T>) => Promise<T>;
  onProgress?: ProgressCallback;
  /** Each line debootstrap prints. */
  onOutput?: (line: string) => void;
}

export interface BootstrappedBase {
  branch: string;
  commit: string;
  tree: string;
  entries: number;
  /** False when the branch already held this very tree: nothing was committed. */
  created: boolean;
  /** What was committed: the --from path, or "debootstrap SUITE MIRROR". */
  source: string;
}

/**
 * `hacktree bootstrap`: a base root, committed on `base/NAME`: the toolchain base every build
 * root starts from, or a base roots of some kind are composed over. With `from`, that directory
 * or tarball; otherwise debootstrap (the definition's suite, variant and packages, else minbase
 * plus BASE_PACKAGES), made in the repository's tmp/ (so fsck sweeps it after a crash) and
 * removed. The .deb files debootstrap leaves in var/cache/apt/archives are not part of the base.
 */
export async function bootstrapBase(options: BootstrapOptions): Promise<BootstrappedBase> {
  const suite = options.definition?.suite ?? options.suite ?? 'bookworm';
  if (!/^[a-z][a-z0-9-]*$/.test(suite)) {
    throw new HacktreeError('USAGE', `--suite ${JSON.stringify(suite)} is not a Debian suite name`, { hint: 'for example --suite bookworm', data: { suite } });
  }
  const arch = options.arch ?? hostArch();
  const name = options.name ?? (options.definition === undefined ? `debian-${suite}-${arch}` : `${options.definition.name}-${arch}`);
  const variant = options.definition?.variant ?? 'minbase';
  const include = options.definition?.include ?? BASE_PACKAGES;
  // Refused before debootstrap runs for minutes, not when its tree is committed.
  const branch = validateRefName(`${BASE_BRANCH_PREFIX}${name}`);
  const repo = openRepository(options.repoDir);
  if (options.from !== undefined) {
    const layer = fromLayer(options.from);
    const committed = await commitLayers({
      repoDir: options.repoDir,
      branch,
      layers: [layer],
      message: `Base toolchain root ${name} from ${resolve(options.from)}\n`,
      unlessSameTree: true,
      onProgress: options.onProgress,
    });
    await checkOutForBuilds(options.repoDir, branch);
    return { ...committed, source: resolve(options.from) };
  }
  const mirror = options.mirror ?? defaultMirror();
  // A userland this machine cannot run is unpacked here and configured under qemu-user.
  const foreign = options.arch !== undefined && nativeBuildOf(hostArch(), options.arch) === 'foreign';
  // Refused before minutes of downloads: the second stage needs qemu-user registered.
  if (foreign) archCommand(options.arch!, ['true'], `the second stage of debootstrap --arch=${debianArch(options.arch!)} (${name})`, 'run');
  const holder = join(repo.tmpDir, `${process.pid}-bootstrap-${Date.now()}`);
  mkdirSync(holder, { recursive: true, mode: 0o700 });
  try {
    const rootfs = join(holder, 'rootfs');
    const args = debootstrapArgs({ variant, include, suite, rootfs, mirror, arch: options.arch, foreign });
    const archives = join(rootfs, APT_ARCHIVES);
    if (options.debCache !== undefined) moveDebs(options.debCache, archives, 'link');
    await runDebootstrap({ args, arch: foreign ? undefined : options.arch, onOutput: options.onOutput });
    if (foreign) await runDebootstrap({ args: ['--second-stage'], chroot: rootfs, onOutput: options.onOutput });
    moveDebs(archives, options.debCache, 'move');
    const inTurn = options.inTurn ?? ((commit) => commit());
    return await inTurn(async () => {
      const committed = await commitLayers({
        repoDir: options.repoDir,
        branch,
        layers: [{ type: 'dir', value: rootfs }],
        message: `Base root ${name}: debootstrap ${args.slice(0, -2).join(' ')} ${mirror}\n`,
        unlessSameTree: true,
        onProgress: options.onProgress,
      });
      rmSync(holder, { recursive: true, force: true });
      if (options.forBuilds !== false) await checkOutForBuilds(options.repoDir, branch);
      return { ...committed, source: `debootstrap ${suite} ${mirror}` };
    });
  } finally {
    rmSync(holder, { recursive: true, force: true });
  }
}

/**
 * Checks the base out as a build root layer now, once: the first build on a new base would
 * otherwise pay for it, several times a usual build root (docs/decisions/0014-build-roots-as-layers.md).
 */
async function checkOutForBuilds(repoDir: string, branch: string): Promise<void> {
  await prepareBuildRoot({ repoDir, base: branch, artifactTrees: [] });
}

export { hostArch };

function fromLayer(from: string): TreeLayerSpec {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(from).isDirectory();
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT' && errnoOf(err) !== 'ENOTDIR') throw err;
    throw new HacktreeError('SOURCE_NOT_FOUND', `--from ${from} does not exist`, {
      hint: 'name a root filesystem directory or a .tar/.tar.gz of one',
      data: { from },
    });
  }
  return { type: isDirectory ? 'dir' : 'tar', value: from };
}

function defaultMirror(): string {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return '';
      throw err;
    }
  };
  const mirror = parseAptMirror({ deb822: read('/etc/apt/sources.list.d/debian.sources'), sourcesList: read('/etc/apt/sources.list') });
  if (mirror === null) {
    throw new HacktreeError('USAGE', 'no Debian mirror found in apt\'s sources (/etc/apt/sources.list.d/debian.sources, /etc/apt/sources.list)', {
      hint: 'name one with --mirror http://deb.debian.org/debian, or bootstrap --from a directory',
    });
  }
  return mirror;
}

/** Where debootstrap (and apt) keep downloaded packages, inside the root. */
const APT_ARCHIVES = 'var/cache/apt/archives';

function debootstrapArgs(options: { variant: string; include: readonly string[]; suite: string; rootfs: string; mirror: string; arch?: Arch; foreign: boolean }): string[] {
  // --arch only when asked: the host's own bases keep the commit message they always had.
  const arch = options.arch === undefined ? [] : [`--arch=${debianArch(options.arch)}`, ...(options.foreign ? ['--foreign'] : [])];
  return [...arch, `--variant=${options.variant}`, ...(options.include.length > 0 ? [`--include=${options.include.join(',')}`] : []), options.suite, options.rootfs, options.mirror];
}

/**
 * The .deb files of `from` into `to`: hardlinked (seeding debootstrap's download directory from
 * the run's cache) or moved (out of the new root, which must not carry them); without `to`
 * they are only removed from `from`.
 */
function moveDebs(from: string, to: string | undefined, how: 'link' | 'move'): void {
  if (to !== undefined) mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const file of listDirectory(from)) {
    if (!file.endsWith('.deb')) continue;
    const source = join(from, file);
    if (to === undefined) {
      rmSync(source, { force: true });
      continue;
    }
    const target = join(to, file);
    try {
      if (how === 'link') linkSync(source, target);
      else renameSync(source, target);
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') throw err;
      if (how === 'move') rmSync(source, { force: true });
    }
  }
}

/**
 * debootstrap, or with `chroot` the copy a --foreign first stage left in that root: its second
 * stage runs the userland's own programs (through qemu-user's binfmt_misc entry, whose F flag
 * keeps the interpreter reachable inside the chroot), in a mount namespace of its own so the
 * /proc it mounts goes with it.
 */
function runDebootstrap(options: { args: string[]; arch?: Arch; chroot?: string; onOutput?: (line: string) => void }): Promise<void> {
  const args = options.args;
  const debootstrap = options.chroot === undefined ? ['debootstrap', ...args] : ['unshare', '-m', '--propagation', 'private', 'chroot', options.chroot, '/debootstrap/debootstrap', ...args];
  // Under the userland's personality: its maintainer scripts see the machine they were made for.
  const [program, ...programArgs] = options.arch === undefined ? debootstrap : archCommand(options.arch, debootstrap, 'debootstrap');
  return new Promise((resolvePromise, reject) => {
    const child = execFile(program!, programArgs, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolvePromise();
      const tail = `${stdout}${stderr}`.trimEnd().split('\n').slice(-20).join('\n');
      const missing = errnoOf(err) === 'ENOENT';
      reject(new HacktreeError('EXTERNAL_COMMAND_FAILED', missing ? 'cannot run debootstrap: it is not installed' : `debootstrap ${args.join(' ')} failed:\n${tail}`, {
        hint: missing ? 'install it (apt-get install debootstrap), or bootstrap --from a directory or tarball' : 'check the mirror (--mirror) and the suite (--suite); debootstrap needs root',
        data: { args, output: tail },
        cause: err,
      }));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') options.onOutput?.(line);
    });
  });
}
