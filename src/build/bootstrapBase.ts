import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HacktreeError } from '../errors/HacktreeError.js';
import { errnoOf } from '../errors/errnoOf.js';
import { parseAptMirror } from '../model/aptMirror.js';
import { validateRefName } from '../model/refName.js';
import type { TreeLayerSpec } from '../model/treeLayerSpec.js';
import { commitLayers } from '../store/commitLayers.js';
import { openRepository } from '../store/repository.js';
import type { ProgressCallback } from '../store/storeFilesInParallel.js';
import { prepareBuildRoot } from './prepareBuildRoot.js';

export const BASE_BRANCH_PREFIX = 'base/';
/** What every build root starts from: a C toolchain and the autotools. */
export const BASE_PACKAGES = ['build-essential', 'autoconf', 'automake', 'libtool', 'pkg-config'];

export interface BootstrapOptions {
  repoDir: string;
  /** A directory or a tarball (.tar or .tar.gz) to commit instead of running debootstrap. */
  from?: string;
  /** Default `debian-SUITE-ARCH`. */
  name?: string;
  /** Default bookworm. */
  suite?: string;
  /** Default: the mirror in apt's sources. */
  mirror?: string;
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
 * `hacktree bootstrap`: the base toolchain root every build root starts from, committed on
 * `base/NAME`. With `from`, that directory or tarball; otherwise debootstrap's minbase plus
 * BASE_PACKAGES, made in the repository's tmp/ (so fsck sweeps it after a crash) and removed.
 */
export async function bootstrapBase(options: BootstrapOptions): Promise<BootstrappedBase> {
  const suite = options.suite ?? 'bookworm';
  if (!/^[a-z][a-z0-9-]*$/.test(suite)) {
    throw new HacktreeError('USAGE', `--suite ${JSON.stringify(suite)} is not a Debian suite name`, { hint: 'for example --suite bookworm', data: { suite } });
  }
  const name = options.name ?? `debian-${suite}-${hostArch()}`;
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
  const holder = join(repo.tmpDir, `${process.pid}-bootstrap-${Date.now()}`);
  mkdirSync(holder, { recursive: true, mode: 0o700 });
  try {
    const rootfs = join(holder, 'rootfs');
    await runDebootstrap({ suite, rootfs, mirror, onOutput: options.onOutput });
    const committed = await commitLayers({
      repoDir: options.repoDir,
      branch,
      layers: [{ type: 'dir', value: rootfs }],
      message: `Base toolchain root ${name}: debootstrap --variant=minbase --include=${BASE_PACKAGES.join(',')} ${suite} ${mirror}\n`,
      unlessSameTree: true,
      onProgress: options.onProgress,
    });
    rmSync(holder, { recursive: true, force: true });
    await checkOutForBuilds(options.repoDir, branch);
    return { ...committed, source: `debootstrap ${suite} ${mirror}` };
  } finally {
    rmSync(holder, { recursive: true, force: true });
  }
}

/**
 * Checks the base out as a build root layer now, once: the first build on a new base would
 * otherwise pay for it (1.04 s for W1 against 0.35 s for a build root over an existing base
 * checkout, bench/build.sh).
 */
async function checkOutForBuilds(repoDir: string, branch: string): Promise<void> {
  await prepareBuildRoot({ repoDir, base: branch, artifactTrees: [] });
}

/** The architecture as root names spell it (x86_64, aarch64). */
export function hostArch(): string {
  const names: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'i686', arm: 'armv7' };
  return names[process.arch] ?? process.arch;
}

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

function runDebootstrap(options: { suite: string; rootfs: string; mirror: string; onOutput?: (line: string) => void }): Promise<void> {
  const args = ['--variant=minbase', `--include=${BASE_PACKAGES.join(',')}`, options.suite, options.rootfs, options.mirror];
  return new Promise((resolvePromise, reject) => {
    const child = execFile('debootstrap', args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
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
