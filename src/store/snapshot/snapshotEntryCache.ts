import { createHash } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../../errors/errnoOf.js';
import { isHacktreeError } from '../../errors/HacktreeError.js';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import type { Oid } from '../../model/git/oid.js';
import { entryExists } from '../../platform/fs/entryExists.js';
import { readDerivedFile } from '../repository/readDerivedFile.js';
import type { Repository } from '../repository/repository.js';
import { writeDerivedFile } from '../repository/writeDerivedFile.js';
import { parseJsonOrUndefined } from '../../model/record/parseJsonOrUndefined.js';
import { LINK_RECORDS_VERSION, linkRecordsOf } from '../checkout/linkRecords.js';
import { piecesOver } from '../../model/snapshot/piecesOver.js';

/**
 * Derived data beside the store, like the raw cache: a snapshot's entries, blob ids included,
 * as JSON, per top tree. Reading a snapshot then takes its top tree and this file instead of
 * parsing the meta record and walking every tree of files/, in a fraction of the time: parseMeta
 * runs once per process, so the JIT never optimizes it, while V8's JSON.parse is native
 * (docs/decisions/0011-derived-caches.md).
 * The entries were validated when the file was written (parseMeta checks every path;
 * writeSnapshot writes it from the meta record it just made, a read from the one it read). A
 * tree id never changes what it holds, so the file is never stale; its sha256 trailer catches
 * a damaged one, which is then ignored (and written again), as is one of another shape. fsck reads the objects themselves
 * and compares the file with them (checkSnapshotEntryCache).
 * Layout: the JSON text, then the 32-byte sha256 of it; or, once a native checkout has read it
 * (readSnapshot's linkRecords), the JSON text, a NUL byte, LINK_RECORDS_VERSION in decimal and
 * a NUL, the entries' link records (what the checkout hands to linkTree, see linkRecordsOf) and
 * the sha256 of all that, so that the next checkout of the tree does not build them again
 * (docs/decisions/0015-link-records.md). Records of another version are not read.
 */
export function snapshotEntryCachePath(repo: Repository, tree: Oid): string {
  return join(repo.statCacheDir, 'entries', tree.slice(0, 2), tree.slice(2));
}

export function hasSnapshotEntryCache(repo: Repository, tree: Oid): boolean {
  const path = snapshotEntryCachePath(repo, tree);
  // A directory in its place is no cache: writeSnapshotEntryCache replaces it.
  return entryExists(path) && lstatSync(path).isFile();
}

/** Xattr values are Buffers: JSON holds them as hex. */
type CachedEntry = Omit<FsEntry, 'xattrs'> & { xattrs: Array<{ name: string; value: string }> };

/** The cache file's bytes before its trailer: null when there is no file, 'damaged' when the trailer does not hold. */
function readCacheBody(repo: Repository, tree: Oid): Buffer | null | 'damaged' {
  const data = readDerivedFile(snapshotEntryCachePath(repo, tree));
  if (data === null) return null;
  if (data.length < 32) return 'damaged';
  const body = data.subarray(0, data.length - 32);
  return createHash('sha256').update(body).digest().equals(data.subarray(data.length - 32)) ? body : 'damaged';
}

/** A tree's entries from its cache file, and their link records when the file holds them. */
export interface CachedSnapshotEntries {
  entries: FsEntry[];
  linkRecords?: Buffer;
}

export function readSnapshotEntryCache(repo: Repository, tree: Oid): CachedSnapshotEntries | null {
  const body = readCacheBody(repo, tree);
  if (body === null || body === 'damaged') return null;
  rememberRead(tree, body);
  // JSON text holds no NUL byte: the first one ends it.
  const end = body.indexOf(0);
  const entries = parseCachedEntries(body.toString('utf8', 0, end === -1 ? body.length : end));
  if (entries === null) return null;
  const records = end === -1 ? undefined : body.subarray(end + 1);
  return records && hasVersion(records) ? { entries, linkRecords: records.subarray(VERSION_FIELD.length) } : { entries };
}

/** The link records' version field, as the file holds it before them. */
const VERSION_FIELD = Buffer.from(`${LINK_RECORDS_VERSION}\0`);

function hasVersion(records: Buffer): boolean {
  return records.subarray(0, VERSION_FIELD.length).equals(VERSION_FIELD);
}

const KINDS = new Set(['dir', 'file', 'symlink', 'chardev', 'blockdev', 'fifo']);

/**
 * The file's entries, with their xattr values as bytes, or null when its text (behind a sound
 * trailer, so written whole, by hacktree or by hand) is not a list of entries: each an object
 * with a known kind, a path and a list of xattrs. The fields were checked when the file was
 * written; this is the shape the reader relies on, checked by hand in the one pass that decodes
 * the xattrs (W1's 13.5k entries, on every checkout) rather than with a schema.
 */
function parseCachedEntries(text: string): FsEntry[] | null {
  const entries = parseJsonOrUndefined(text);
  if (!Array.isArray(entries)) return null;
  for (const entry of entries as Array<Partial<CachedEntry> | null>) {
    if (typeof entry !== 'object' || entry === null || !KINDS.has(entry.kind as string) || typeof entry.path !== 'string' || !Array.isArray(entry.xattrs)) return null;
    if (entry.xattrs.length > 0) {
      (entry as unknown as FsEntry).xattrs = entry.xattrs.map((x) => ({ name: x.name, value: Buffer.from(x.value, 'hex') }));
    }
  }
  return entries as FsEntry[];
}

/**
 * The entries as JSON, each entry's fields in the order parseMeta makes them (the blob id last)
 * and its mode as the meta record keeps it, whatever the order or extra properties of the
 * objects given: fsck compares the file with this, byte for byte. Written out by hand, as
 * JSON.stringify with a replacer for the xattrs was slow: docs/decisions/0010-per-entry-code.md.
 */
function serializeEntries(entries: readonly FsEntry[]): Buffer {
  const parts: string[] = new Array(entries.length);
  for (let i = 0; i < entries.length; i++) parts[i] = serializeEntry(entries[i]!);
  return Buffer.from(`[${parts.join(',')}]`, 'utf8');
}

function serializeEntry(e: FsEntry): string {
  let xattrs = '';
  for (const x of e.xattrs) xattrs += `${xattrs === '' ? '' : ','}{"name":${JSON.stringify(x.name)},"value":"${x.value.toString('hex')}"}`;
  let part = `{"kind":"${e.kind}","path":${JSON.stringify(e.path)},"mode":${e.mode & 0o7777},"uid":${e.uid},"gid":${e.gid},"xattrs":[${xattrs}]`;
  if (e.kind === 'file') part += `,"size":${e.size},"oid":"${e.oid}"`;
  else if (e.kind === 'symlink') part += `,"target":${JSON.stringify(e.target)},"oid":"${e.oid}"`;
  else if (e.kind === 'chardev' || e.kind === 'blockdev') part += `,"major":${e.major},"minor":${e.minor}`;
  return `${part}}`;
}

/** What separates two entries in a cache file's JSON: a string holds no bare quote, so it is never inside one. */
const ENTRY_SEPARATOR = Buffer.from(',{"kind":');

/**
 * Writes the file of a snapshot written over `base` (writeSnapshotOver): the runs of entries
 * that are the base's own objects are copied from the base's file, so only the changed entries
 * are serialized; the same bytes as writeSnapshotEntryCache, which is used when the base has no
 * sound file of as many entries.
 */
export function writeSnapshotEntryCacheOver(repo: Repository, tree: Oid, entries: readonly FsEntry[], base: { tree: Oid; entries: readonly FsEntry[] }): void {
  const body = recentlyRead.get(base.tree) ?? readCacheBody(repo, base.tree);
  if (body === null || body === 'damaged') return writeSnapshotEntryCache(repo, tree, entries);
  const end = body.indexOf(0);
  const json = body.subarray(0, end === -1 ? body.length : end);
  // Where each base entry's text starts, and one past the last one's end.
  const starts: number[] = json.length > 2 ? [1] : [];
  for (let at = json.indexOf(ENTRY_SEPARATOR); at >= 0; at = json.indexOf(ENTRY_SEPARATOR, at + 1)) starts.push(at + 1);
  if (starts.length !== base.entries.length || json[0] !== 0x5b || json[json.length - 1] !== 0x5d) return writeSnapshotEntryCache(repo, tree, entries);
  starts.push(json.length);
  const chunks: Buffer[] = [];
  for (const piece of piecesOver(base.entries, entries)) {
    chunks.push('entry' in piece ? Buffer.from(serializeEntry(piece.entry), 'utf8') : json.subarray(starts[piece.from]!, starts[piece.to + 1]! - 1), COMMA);
  }
  chunks[chunks.length - 1] = CLOSE;
  writeCacheBody(repo, tree, Buffer.concat([OPEN, ...(chunks.length === 0 ? [CLOSE] : chunks)]));
}

const [OPEN, COMMA, CLOSE] = ['[', ',', ']'].map((c) => Buffer.from(c)) as [Buffer, Buffer, Buffer];

/**
 * The bodies of the last few cache files this process read, by tree: a local commit reads its
 * base's entries (and its artifacts') and then writes its own file over the base's
 * (writeSnapshotEntryCacheOver), which then neither reads nor hashes the file a second time.
 */
const recentlyRead = new Map<Oid, Buffer>();
const RECENTLY_READ = 4;

function rememberRead(tree: Oid, body: Buffer): void {
  recentlyRead.delete(tree);
  recentlyRead.set(tree, body);
  if (recentlyRead.size > RECENTLY_READ) recentlyRead.delete(recentlyRead.keys().next().value!);
}

/**
 * Writes the file, with the entries' link records when given (linkRecordsOf(entries), nothing
 * else); a repository this process may not write to just goes without one.
 */
export function writeSnapshotEntryCache(repo: Repository, tree: Oid, entries: readonly FsEntry[], linkRecords?: Buffer): void {
  const json = serializeEntries(entries);
  writeCacheBody(repo, tree, linkRecords ? Buffer.concat([json, Buffer.of(0), VERSION_FIELD, linkRecords]) : json);
}

function writeCacheBody(repo: Repository, tree: Oid, body: Buffer): void {
  const path = snapshotEntryCachePath(repo, tree);
  try {
    writeDerivedFile(repo, repo.statCacheDir, path, [body, createHash('sha256').update(body).digest()]);
  } catch (err) {
    // A damaged hacktree/tmp too: what needs it says so (REPO_DAMAGED, naming it), not a cache.
    if (!isHacktreeError(err, 'REPO_DAMAGED') && !['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'ENOENT'].includes(errnoOf(err) ?? '')) throw err;
  }
}

/**
 * For fsck: whether a tree's cache file is absent, holds exactly `entries` (read from the
 * objects themselves) and, if any, their current link records, or is damaged (a bad trailer,
 * other entries, other records).
 */
export function checkSnapshotEntryCache(repo: Repository, tree: Oid, entries: readonly FsEntry[]): 'absent' | 'sound' | 'damaged' {
  const body = readCacheBody(repo, tree);
  if (body === null) return 'absent';
  if (body === 'damaged') return 'damaged';
  const json = serializeEntries(entries);
  if (body.length === json.length) return body.equals(json) ? 'sound' : 'damaged';
  if (body[json.length] !== 0 || !body.subarray(0, json.length).equals(json)) return 'damaged';
  // Link records of another version are never read (the next checkout makes them again).
  const records = body.subarray(json.length + 1);
  return !hasVersion(records) || records.subarray(VERSION_FIELD.length).equals(linkRecordsOf(entries)) ? 'sound' : 'damaged';
}
