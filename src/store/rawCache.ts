import { createHash } from 'node:crypto';
import { existsSync, fchmodSync, fchownSync } from 'node:fs';
import { join } from 'node:path';
import type { EntryMeta } from '../model/fsEntry.js';
import type { Oid } from '../model/oid.js';
import { writeFileAtomic } from './atomicWrite.js';
import { writeXattrs } from './readXattrs.js';
import type { Repository } from './repository.js';

/**
 * The raw object cache: every regular file once, uncompressed, with its final owner, mode and
 * xattrs applied, named by content and metadata: raw/ab/cdef….<mode>.<uid>.<gid>[.<xattr hash>].
 * Checkouts hardlink from here.
 */
export function rawObjectKey(meta: EntryMeta): string {
  let key = `${meta.mode.toString(8)}.${meta.uid}.${meta.gid}`;
  if (meta.xattrs.length > 0) {
    const hash = createHash('sha1');
    for (const x of meta.xattrs) hash.update(`${x.name}\0${x.value.length}\0`).update(x.value);
    key += `.${hash.digest('hex').slice(0, 16)}`;
  }
  return key;
}

export function rawObjectPath(repo: Repository, oid: Oid, meta: EntryMeta): string {
  return join(repo.rawDir, oid.slice(0, 2), `${oid.slice(2)}.${rawObjectKey(meta)}`);
}

/** Parses a raw cache file name back into its object id and key; null for anything else. */
export function parseRawObjectName(fan: string, name: string): { oid: Oid; key: string } | null {
  const m = /^([0-9a-f]{38})\.([0-7]+\.\d+\.\d+(?:\.[0-9a-f]{16})?)$/.exec(name);
  return m && /^[0-9a-f]{2}$/.test(fan) ? { oid: `${fan}${m[1]}` as Oid, key: m[2]! } : null;
}

/** Puts `content` into the raw cache with `meta` applied, unless it is there already. */
export function ensureRawObject(repo: Repository, oid: Oid, meta: EntryMeta, content: Buffer): string {
  const path = rawObjectPath(repo, oid, meta);
  if (existsSync(path)) return path;
  writeFileAtomic(repo, path, [content], (tmp, fd) => applyMetaToFd(tmp, fd, meta));
  return path;
}

/** chown before chmod (chown clears setuid) and xattrs last (chown clears security.capability). */
export function applyMetaToFd(path: string, fd: number, meta: EntryMeta): void {
  fchownSync(fd, meta.uid, meta.gid);
  fchmodSync(fd, meta.mode);
  writeXattrs(path, meta.xattrs);
}
