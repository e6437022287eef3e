import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HacktreeError } from '../errors/HacktreeError.js';

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

export function isHacktreeRepository(dir: string): boolean {
  const repo = repositoryAt(dir);
  try {
    return existsSync(repo.rawDir) && /\[hacktree\]/.test(readFileSync(join(repo.dir, 'config'), 'utf8'));
  } catch {
    return false;
  }
}

/** Opens an existing repository, or says clearly that there is none. */
export function openRepository(dir: string): Repository {
  if (!isHacktreeRepository(dir)) {
    throw new HacktreeError('NOT_A_REPO', `${resolve(dir)} is not a hacktree repository`, {
      hint: `create one with "hacktree init --repo ${dir}", or point --repo / HACKTREE_REPO at an existing one`,
      data: { repo: resolve(dir) },
    });
  }
  return repositoryAt(dir);
}
