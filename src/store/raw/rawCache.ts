import { createHash } from 'node:crypto';
import { existsSync, fchmodSync, fchownSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { ownerProblem } from '../../model/tar/checkMemberMeta.js';
import type { EntryMeta, FsEntry } from '../../model/snapshot/fsEntry.js';
import { hashObject } from '../../model/git/gitObject.js';
import type { Oid } from '../../model/git/oid.js';
import { tempPathBeside, translateWriteError, writeFileAtomic } from '../repository/atomicWrite.js';
import { entryExists } from '../../platform/fs/entryExists.js';
import { makeSpecialFiles, type SpecialEntry } from '../../platform/fs/makeSpecialFile.js';
import { nativeAddon, type NativeAddon } from '../../platform/native/nativeAddon.js';
import { writeXattrs } from '../../platform/fs/readXattrs.js';
import type { Repository } from '../repository/repository.js';
import { xattrRefused } from '../../platform/fs/xattrRefused.js';

/**
 * The raw object cache: every non-directory entry once, uncompressed, with its final owner,
 * mode and xattrs applied: regular files, and (as ostree's bare repos do) symlinks, device
 * nodes and fifos, so a checkout is mkdir for directories and link(2) for everything else, far
 * cheaper than creating a symlink (docs/decisions/0002-raw-cache.md).
 * Names: raw/ab/cdef….<type><mode>.<uid>.<gid>[.<xattr hash>], type f, l, c, b or p; the id is
 * the git blob of a file's content or a symlink's target, or for devices and fifos a hash of
 * their kind and numbers.
 */
export type RawEntry = Exclude<FsEntry, { kind: 'dir' }>;
export type RawKind = RawEntry['kind'];

const TYPE_CHAR: Record<RawKind, string> = { file: 'f', symlink: 'l', chardev: 'c', blockdev: 'b', fifo: 'p' };
const KIND_OF_CHAR = Object.fromEntries(Object.entries(TYPE_CHAR).map(([k, c]) => [c, k])) as Record<string, RawKind>;

export function rawObjectKey(kind: RawKind, meta: EntryMeta): string {
  let key = `${TYPE_CHAR[kind]}${meta.mode.toString(8)}.${meta.uid}.${meta.gid}`;
  if (meta.xattrs.length > 0) {
    const hash = createHash('sha1');
    for (const x of meta.xattrs) hash.update(`${x.name}\0${x.value.length}\0`).update(x.value);
    key += `.${hash.digest('hex').slice(0, 16)}`;
  }
  return key;
}

/** The id a raw entry is filed under. */
export function rawIdOf(entry: RawEntry): Oid {
  switch (entry.kind) {
    case 'file':
    case 'symlink':
      return entry.oid;
    case 'fifo':
      return hashObject('blob', Buffer.from('fifo'));
    default:
      return hashObject('blob', Buffer.from(`${entry.kind} ${entry.major},${entry.minor}`));
  }
}

function rawPathOf(repo: Repository, id: Oid, key: string): string {
  // Not path.join: rawDir is absolute and normalized, and join's normalizing showed in a checkout
  // (docs/decisions/0010-per-entry-code.md).
  return `${repo.rawDir}/${id.slice(0, 2)}/${id.slice(2)}.${key}`;
}

export function rawEntryPath(repo: Repository, entry: RawEntry): string {
  return rawPathOf(repo, rawIdOf(entry), rawObjectKey(entry.kind, entry));
}

/** An entry's raw path relative to the raw cache (repo.rawDir). */
export function rawEntryName(entry: RawEntry): string {
  const id = rawIdOf(entry);
  return `${id.slice(0, 2)}/${id.slice(2)}.${rawObjectKey(entry.kind, entry)}`;
}

/** The raw path of a regular file with this content and metadata. */
export function rawObjectPath(repo: Repository, oid: Oid, meta: EntryMeta): string {
  return rawPathOf(repo, oid, rawObjectKey('file', meta));
}

/**
 * Whether each raw path (as rawObjectPath gives it) exists: with the native addon in one call
 * whose lookups start at the raw cache (native/existAll.c), else existsSync each.
 */
export function rawPathsExist(repo: Repository, paths: readonly string[]): boolean[] {
  const native = nativeAddon();
  if (!native) return paths.map((path) => existsSync(path));
  const skip = repo.rawDir.length + 1;
  return Array.from(native.existAll(repo.rawDir, paths.map((path) => path.slice(skip))), (flag) => flag === 1);
}

/** Parses a raw cache file name back into its id, kind and key; null for anything else. */
export function parseRawObjectName(fan: string, name: string): { oid: Oid; kind: RawKind; key: string } | null {
  const m = /^([0-9a-f]{38})\.(([flcbp])[0-7]+\.\d+\.\d+(?:\.[0-9a-f]{16})?)$/.exec(name);
  return m && /^[0-9a-f]{2}$/.test(fan) ? { oid: `${fan}${m[1]}` as Oid, kind: KIND_OF_CHAR[m[3]!]!, key: m[2]! } : null;
}

export interface RawWriteOptions {
  /** Gets the path of each raw entry this call made (not those there already). */
  created?: string[];
}

/**
 * Puts file `content` into the raw cache with `meta` applied, unless it is there already: with
 * the native addon in one call (native/writeRawFile.c), else through node:fs.
 */
export function ensureRawObject(repo: Repository, oid: Oid, meta: EntryMeta, content: Buffer, options: RawWriteOptions = {}): string {
  const path = rawObjectPath(repo, oid, meta);
  checkOwner(path, meta);
  const native = nativeAddon();
  if (native) {
    if (writeRawFileNatively(repo, native, path, content, meta)) options.created?.push(path);
    return path;
  }
  if (existsSync(path)) return path;
  writeFileAtomic(repo, path, [content], (tmp, fd) => {
    try {
      applyMetaToFd(tmp, fd, meta);
    } catch (err) {
      // Named by where it was going, not by its temporary name.
      if (isHacktreeError(err, 'XATTR_INVALID')) throw xattrRefused(err.cause, path, err.data.names as string[]);
      throw err;
    }
  }, 'beside');
  options.created?.push(path);
  return path;
}

/** True when it wrote the file, false when it was there already. */
function writeRawFileNatively(repo: Repository, native: NativeAddon, path: string, content: Buffer, meta: EntryMeta): boolean {
  const skip = repo.rawDir.length + 1;
  const xattrs = meta.xattrs.map((x) => [x.name, x.value] as const);
  const write = () => native.writeRawFile(repo.rawDir, path.slice(skip), tempPathBeside(path).slice(skip), content, meta.uid, meta.gid, meta.mode, xattrs);
  try {
    try {
      return write();
    } catch (err) {
      // No raw cache directory at all (a repository damaged by hand): made, as node:fs's path does.
      if (errnoOf(err) !== 'ENOENT' || (err as { path?: string }).path !== repo.rawDir) throw err;
      mkdirSync(repo.rawDir, { recursive: true });
      return write();
    }
  } catch (err) {
    // Before translateWriteError: ext4 says ENOSPC for an xattr too big for it, on a disk with room.
    if ((err as { syscall?: string }).syscall === 'setxattr') throw xattrRefused(err, path, meta.xattrs.map((x) => x.name));
    throw translateWriteError(err, repo);
  }
}

/** Puts a symlink, device node or fifo into the raw cache, unless it is there already. */
export function ensureRawSpecial(repo: Repository, entry: SpecialEntry, options: RawWriteOptions = {}): string {
  ensureRawSpecials(repo, [entry], options);
  return rawEntryPath(repo, entry);
}

/** Puts many symlinks, device nodes and fifos into the raw cache (those missing), in one go. */
export function ensureRawSpecials(repo: Repository, entries: readonly SpecialEntry[], options: RawWriteOptions = {}): void {
  const missing: Array<{ path: string; tmp: string; entry: SpecialEntry }> = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const path = rawEntryPath(repo, entry);
    if (seen.has(path) || entryExists(path)) continue;
    checkOwner(path, entry);
    seen.add(path);
    missing.push({ path, tmp: tempPathBeside(path), entry });
  }
  const make = () => {
    makeSpecialFiles(missing.map(({ tmp, entry }) => ({ path: tmp, entry })));
    for (const { tmp, path } of missing) {
      renameSync(tmp, path);
      options.created?.push(path);
    }
  };
  try {
    try {
      make();
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw err;
      // Fan-out directories (or the whole cache) deleted: made again, as writeFileAtomic does.
      for (const { tmp } of missing) rmSync(tmp, { force: true });
      for (const fan of new Set(missing.map(({ path }) => path.slice(0, path.lastIndexOf('/'))))) mkdirSync(fan, { recursive: true });
      make();
    }
  } catch (err) {
    for (const { tmp } of missing) rmSync(tmp, { force: true });
    throw translateWriteError(err, repo);
  }
}

/**
 * The native writer takes ids as 32 bits and chown(2) takes -1 as "unchanged": an owner beyond
 * them (a forged meta record; imports refuse one) would silently become another.
 */
function checkOwner(path: string, meta: EntryMeta): void {
  const problem = ownerProblem(meta);
  if (problem === null) return;
  throw new HacktreeError('OWNER_UNSUPPORTED', `cannot make ${path}: ${problem}`, {
    hint: 'the metadata recording that owner is damaged or forged: run "hacktree fsck"',
    data: { path, uid: meta.uid, gid: meta.gid },
  });
}

/** chown before chmod (chown clears setuid) and xattrs last (chown clears security.capability). */
export function applyMetaToFd(path: string, fd: number, meta: EntryMeta): void {
  fchownSync(fd, meta.uid, meta.gid);
  fchmodSync(fd, meta.mode);
  writeXattrs(path, meta.xattrs);
}
