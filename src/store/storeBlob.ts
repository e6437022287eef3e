import { readFileSync } from 'node:fs';
import type { EntryMeta } from '../model/fsEntry.js';
import { hashObject } from '../model/gitObject.js';
import type { Oid } from '../model/oid.js';
import { writeObject } from './objectStore.js';
import { ensureRawObject } from './rawCache.js';
import type { Repository } from './repository.js';

/** Stores file content as a git blob and, with its metadata, in the raw cache. */
export function storeBlob(repo: Repository, content: Buffer, meta: EntryMeta): Oid {
  const oid = hashObject('blob', content);
  writeObject(repo, 'blob', content, oid);
  ensureRawObject(repo, oid, meta, content);
  return oid;
}

/** Stores a file read from disk. Files are read whole: the largest in a root are tens of MB. */
export function storeFileBlob(repo: Repository, absPath: string, meta: EntryMeta): Oid {
  return storeBlob(repo, readFileSync(absPath), meta);
}
