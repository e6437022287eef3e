import { mkdirSync, readdirSync, appendFileSync } from 'node:fs';
import * as fs from 'node:fs';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { isHacktreeRepository, repositoryAt, type Repository } from './repository.js';

/** Creates a repository; an existing hacktree repository is left as it is. */
export async function initRepository(dir: string): Promise<Repository> {
  const repo = repositoryAt(dir);
  if (isHacktreeRepository(dir)) return repo;
  let existing: string[] = [];
  try {
    existing = readdirSync(repo.dir);
  } catch (err) {
    // A file at the path is as occupied as a non-empty directory: REPO_EXISTS, not a crash.
    if (errnoOf(err) === 'ENOTDIR') existing = [repo.dir];
    else if (errnoOf(err) !== 'ENOENT') throw err;
  }
  if (existing.length > 0) {
    throw new HacktreeError('REPO_EXISTS', `${repo.dir} exists and is not an empty directory or a hacktree repository`, {
      hint: 'choose an empty or new directory for --repo',
      data: { repo: repo.dir },
    });
  }
  mkdirSync(repo.dir, { recursive: true, mode: 0o700 });
  await git.init({ fs, gitdir: repo.dir, bare: true, defaultBranch: 'main' });
  // Fan-out directories up front: saves a mkdir check on every object write.
  for (let i = 0; i < 256; i++) {
    const fan = i.toString(16).padStart(2, '0');
    mkdirSync(join(repo.objectsDir, fan), { recursive: true });
    mkdirSync(join(repo.rawDir, fan), { recursive: true });
  }
  mkdirSync(repo.tmpDir, { recursive: true });
  mkdirSync(repo.statCacheDir, { recursive: true });
  appendFileSync(join(repo.dir, 'config'), '[hacktree]\n\tversion = 1\n');
  return repo;
}
