import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../../errors/errnoOf.js';
import type { Oid } from '../../model/git/oid.js';
import { parsePackedRefs } from '../../model/git/packedRefs.js';
import type { DamagedRef } from './damagedRef.js';
import type { Repository } from '../repository/repository.js';

export interface PackedRefsFile {
  refs: Map<string, Oid>;
  /** Lines that cannot be read (a ref named in one of them, or any ref when it names none, is not known to be absent). */
  damaged: DamagedRef[];
}

/** The repository's packed-refs (as `git pack-refs` or `git gc` leave it); empty when there is none. */
export function readPackedRefsFile(repo: Repository): PackedRefsFile {
  const path = join(repo.dir, 'packed-refs');
  try {
    if (!lstatSync(path).isFile()) return { refs: new Map(), damaged: [{ ref: null, path, detail: 'packed-refs is not a regular file' }] };
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return { refs: new Map(), damaged: [] };
    throw err;
  }
  const { refs, bad } = parsePackedRefs(readFileSync(path, 'utf8'));
  return { refs, damaged: bad.map((b) => ({ ref: b.ref, path, detail: `packed-refs line ${b.line}: ${b.detail}` })) };
}
