import { lstatSync, readFileSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { currentUser } from '../../platform/process/currentUser.js';

/**
 * A hacktree repository: a bare git repository (HEAD, config, objects/, refs/) that native git
 * reads, plus hacktree/ for derived data: raw/ (the raw object cache), tmp/ (staging for
 * atomic writes), statcache/, buildroots/ (one checkout per build root tree) and the write lock.
 */
export interface Repository {
  dir: string;
  objectsDir: string;
  rawDir: string;
  tmpDir: string;
  statCacheDir: string;
  buildRootsDir: string;
  lockPath: string;
}

export function repositoryAt(dir: string): Repository {
  // resolve('') is the working directory: an empty --repo or HACKTREE_REPO would quietly
  // name whatever directory the command ran in.
  if (dir === '') {
    throw new HacktreeError('USAGE', 'the repository path is empty (--repo \'\' or HACKTREE_REPO=\'\')', {
      hint: 'give --repo DIR, or set HACKTREE_REPO to the repository, or unset it for the default',
    });
  }
  const abs = resolve(dir);
  const own = join(abs, 'hacktree');
  return {
    dir: abs,
    objectsDir: join(abs, 'objects'),
    rawDir: join(own, 'raw'),
    tmpDir: join(own, 'tmp'),
    statCacheDir: join(own, 'statcache'),
    buildRootsDir: join(own, 'buildroots'),
    lockPath: join(own, 'lock'),
  };
}

/**
 * Whether `dir` is a hacktree repository: its git config has a [hacktree] section. The raw
 * cache is derived data and no mark of one: a repository whose hacktree/raw was deleted is
 * still one, and `hacktree fsck --repair` rebuilds the cache. A config that exists but cannot
 * be read (EACCES, EIO) is said as such, not taken for "no repository".
 */
export function isHacktreeRepository(dir: string): boolean {
  const repo = repositoryAt(dir);
  const config = join(repo.dir, 'config');
  let text: string;
  try {
    text = readFileSync(config, 'utf8');
  } catch (err) {
    const errno = errnoOf(err);
    if (errno === 'ENOENT' || errno === 'ENOTDIR' || errno === 'EISDIR') return false;
    throw unreadable(repo, config, err);
  }
  return /\[hacktree\]/.test(text);
}

/** Opens an existing repository, or says clearly that there is none. */
export function openRepository(dir: string, options: { rawCache?: 'any' } = {}): Repository {
  if (!isHacktreeRepository(dir)) {
    throw new HacktreeError('NOT_A_REPO', `${resolve(dir)} is not a hacktree repository`, {
      hint: `create one with "hacktree init --repo ${dir}", or point --repo / HACKTREE_REPO at an existing one`,
      data: { repo: resolve(dir) },
    });
  }
  const repo = repositoryAt(dir);
  if (options.rawCache !== 'any') checkRawCacheDir(repo);
  return repo;
}

/**
 * A raw cache that is missing is made again as entries are written; one that is not a
 * directory (a file, a symlink) would fail every command with ENOTDIR: REPO_DAMAGED instead,
 * which fsck --repair fixes (it opens the repository with rawCache: 'any').
 */
function checkRawCacheDir(repo: Repository): void {
  let stat: Stats;
  try {
    stat = lstatSync(repo.rawDir);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return;
    throw unreadable(repo, repo.rawDir, err);
  }
  if (stat.isDirectory()) return;
  throw new HacktreeError('REPO_DAMAGED', `the raw object cache ${repo.rawDir} is not a directory`, {
    hint: `it is derived data: "hacktree fsck --repair --repo ${repo.dir}" removes what is there and rebuilds the cache from git`,
    data: { repo: repo.dir, path: repo.rawDir },
  });
}

function unreadable(repo: Repository, path: string, err: unknown): HacktreeError {
  const errno = errnoOf(err);
  const why = err instanceof Error ? err.message : String(err);
  if (errno === 'EACCES' || errno === 'EPERM') {
    const user = currentUser();
    return new HacktreeError('NOT_PERMITTED', `${user} may not read ${path} of the repository ${repo.dir}: permission denied`, {
      hint: `run as a user who may read the repository (its owner, or root), or give ${user} read access to it and every directory above it`,
      data: { repo: repo.dir, path, errno, user },
      cause: err,
    });
  }
  return new HacktreeError('REPO_UNREADABLE', `cannot read ${path} of the repository ${repo.dir}: ${why}`, {
    hint: errno === 'EIO'
      ? 'the disk or filesystem holding the repository reports an I/O error: check it (dmesg, fsck of the filesystem) before anything else'
      : 'check the repository directory and the filesystem it is on',
    data: { repo: repo.dir, path, errno },
    cause: err,
  });
}
