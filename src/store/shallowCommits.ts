import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../errors/errnoOf.js';
import type { Oid } from '../model/oid.js';
import type { Repository } from './repository.js';

/** Where a pull fetches a remote's branches before they are checked: refs/hacktree/incoming/REMOTE/BRANCH. */
export const INCOMING_REF_PREFIX = 'refs/hacktree/incoming/';

/** The commits whose parents a shallow fetch (`pull --depth`) left out: git's `shallow` file. */
export function readShallowCommits(repo: Repository): Set<Oid> {
  try {
    return new Set(readFileSync(join(repo.dir, 'shallow'), 'utf8').split('\n').filter((l) => /^[0-9a-f]{40}$/.test(l)) as Oid[]);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return new Set();
    throw err;
  }
}
