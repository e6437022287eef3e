import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import type { GitObjectType } from '../../model/git/gitObject.js';
import type { Oid } from '../../model/git/oid.js';
import { packHeader } from '../../model/git/packFormat.js';
import { serializePackIndex, type PackIndexEntry } from '../../model/git/packIndex.js';
import { tempPath, tempPathBeside, translateWriteError } from '../repository/atomicWrite.js';
import type { Repository } from '../repository/repository.js';
import { existingObjects, type ExistingObjects } from './existingObjects.js';

const TYPE_NAMES = ['', 'commit', 'tree', 'blob', 'tag'] as const;
const PACK_TREE = 2;
const PACK_BLOB = 3;
/** Pack bytes read at once; an object larger than this is read whole. */
const WINDOW = 8 << 20;

/**
 * Indexes a pack of whole objects (no git deltas: what `hacktree publish` writes, docs/static.md)
 * into the repository with the checks of `git index-pack --fsck-objects`, most of them in node:
 * one pass over the pack, each object inflated to exactly its stated size and named by its
 * SHA-1, the pack's SHA-1 trailer checked, its .idx written. git's SHA-1 (collision-detecting)
 * is several times slower than node's (OpenSSL), and hashing every object and the whole pack was
 * most of a first pull's CPU. fsck has nothing to say about a blob on its own, only about commits,
 * trees and tags, and about the blobs trees name .gitmodules or .gitattributes: those are copied
 * into a small pack that `git index-pack --fsck-objects` checks (and drops) before this one goes
 * into place, with any blob a tree names like a .git file (generously: every name starting with
 * .git or git, or with a ~, as NTFS short names do).
 *
 * `tempPack` is the uncompressed pack, in objects/pack under a temporary name (tempPathBeside);
 * this call owns it. Returns the pack's name (pack-<name>.pack and .idx in place, as index-pack
 * leaves them), or null, the file removed, for anything else: a git delta, an object that does
 * not inflate to its size, a wrong trailer, an object git's fsck refuses. The caller then gives
 * the pack to git index-pack, whose verdict and message stand.
 *
 * An object the repository has already must be the same bytes, as git index-pack checks
 * (existingObjects): else PACK_OBJECT_COLLISION is thrown, naming `what`, nothing kept.
 */
export async function indexUndeltifiedPack(repo: Repository, tempPack: string, what = 'the pack'): Promise<string | null> {
  let file: FileHandle | undefined;
  try {
    file = await open(tempPack, 'r');
    const existing = existingObjects(repo, what);
    const parsed = await parsePack(file, existing);
    await existing?.settle();
    await file.close();
    file = undefined;
    if (parsed === null || !(await fsckOthers(repo, tempPack, parsed))) {
      rmSync(tempPack, { force: true });
      return null;
    }
    return installPack(repo, tempPack, parsed.entries, parsed.checksum);
  } catch (err) {
    await file?.close().catch(() => undefined);
    rmSync(tempPack, { force: true });
    throw translateWriteError(err, repo);
  }
}

interface ParsedPack {
  entries: PackIndexEntry[];
  checksum: Buffer;
  /** The pack entries (header and deflated body, as they are in the pack) of commits, trees and tags. */
  others: Buffer[];
  /** Where each blob's entry is in the pack. */
  blobs: Map<Oid, [number, number]>;
  /** Blobs that trees give a name like a .git file. */
  dotGitNamed: Set<Oid>;
}

async function parsePack(file: FileHandle, existing: ExistingObjects | null): Promise<ParsedPack | null> {
  const { size } = await file.stat();
  if (size < 32) return null;
  const body = size - 20; // the trailer hashes everything before it
  const packHash = createHash('sha1');
  let hashed = 0;
  let window = Buffer.allocUnsafe(WINDOW);
  let windowStart = 0;
  let windowEnd = 0;
  // Makes [from, from + length) (clipped to the file) readable in the window; the pack's hash
  // takes each byte once, as the reads move forward.
  const ensure = async (from: number, length: number): Promise<void> => {
    const end = Math.min(size, from + length);
    if (from >= windowStart && end <= windowEnd) return;
    const want = Math.max(end - from, WINDOW);
    if (window.length < want) window = Buffer.allocUnsafe(want);
    const stop = Math.min(size, from + window.length);
    for (let at = from; at < stop; ) {
      const { bytesRead } = await file.read(window, at - from, stop - at, at);
      if (bytesRead === 0) throw new Error(`the pack file ended at ${at} bytes, where it has ${size}`);
      at += bytesRead;
    }
    windowStart = from;
    windowEnd = stop;
    const hashTo = Math.min(stop, body);
    if (hashTo > hashed) {
      packHash.update(window.subarray(hashed - windowStart, hashTo - windowStart));
      hashed = hashTo;
    }
  };
  await ensure(0, 12);
  if (window.toString('latin1', 0, 4) !== 'PACK' || window.readUInt32BE(4) !== 2) return null;
  const count = window.readUInt32BE(8);
  const parsed: ParsedPack = { entries: [], checksum: Buffer.alloc(0), others: [], blobs: new Map(), dotGitNamed: new Set() };
  const seen = new Set<string>();
  let pos = 12;
  for (let i = 0; i < count; i++) {
    if (pos >= body) return null;
    await ensure(pos, 16);
    let at = pos - windowStart;
    let byte = window[at++]!;
    const type = (byte >> 4) & 7;
    if (type < 1 || type > 4) return null; // a git delta (6, 7) or no object type at all
    let length = byte & 15;
    for (let scale = 16; byte & 0x80; scale *= 128) {
      if (scale > 2 ** 49) return null;
      byte = window[at++]!;
      length += (byte & 0x7f) * scale;
    }
    const dataStart = windowStart + at;
    // zlib's compressBound: no deflate stream of `length` bytes is longer (an odd but valid one
    // that is falls to git).
    const bound = length + Math.floor(length / 4096) + Math.floor(length / 16384) + Math.floor(length / 33554432) + 13;
    await ensure(pos, dataStart - pos + bound);
    const from = dataStart - windowStart;
    const to = Math.min(windowEnd, body) - windowStart;
    let content: Buffer;
    let used: number;
    try {
      const result = inflateSync(window.subarray(from, to), { info: true, maxOutputLength: Math.max(length, 1) }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
      content = result.buffer;
      used = result.engine.bytesWritten;
    } catch {
      return null;
    }
    if (content.length !== length || used <= 0) return null;
    const oid = createHash('sha1').update(`${TYPE_NAMES[type]} ${length}\0`).update(content).digest('hex') as Oid;
    if (seen.has(oid)) return null;
    seen.add(oid);
    await existing?.check(oid, TYPE_NAMES[type] as GitObjectType, content);
    const end = dataStart + used;
    const entry = window.subarray(pos - windowStart, end - windowStart);
    parsed.entries.push({ oid, crc32: crc32(entry), offset: pos });
    if (type === PACK_BLOB) {
      parsed.blobs.set(oid, [pos, end]);
    } else {
      parsed.others.push(Buffer.from(entry));
      if (type === PACK_TREE) noteDotGitNames(content, parsed.dotGitNamed);
    }
    pos = end;
  }
  if (pos !== body) return null;
  await ensure(body, 20);
  parsed.checksum = Buffer.from(window.subarray(body - windowStart, size - windowStart));
  if (hashed !== body || !packHash.digest().equals(parsed.checksum)) return null;
  return parsed;
}

/**
 * Adds the ids a tree names like a .git file. A tree git's fsck would refuse may not parse:
 * what is read of it is enough, as git refuses it anyway.
 */
function noteDotGitNames(tree: Buffer, out: Set<Oid>): void {
  for (let at = 0; at < tree.length; ) {
    const space = tree.indexOf(0x20, at);
    const nul = space < 0 ? -1 : tree.indexOf(0, space);
    if (nul < 0 || nul + 21 > tree.length) return;
    // fsck matches .gitmodules through case, HFS's ignorable code points and NTFS's short
    // names and trailing dots: lower-case ASCII only, and every name near it, is wider.
    let name = '';
    for (let i = space + 1; i < nul; i++) if (tree[i]! < 0x80) name += String.fromCharCode(tree[i]!).toLowerCase();
    if (name.startsWith('.git') || name.startsWith('git') || name.includes('~')) out.add(tree.toString('hex', nul + 1, nul + 21) as Oid);
    at = nul + 21;
  }
}

/**
 * `git index-pack --fsck-objects` on a pack of the commits, trees and tags, with the blobs
 * trees name like .git files, written to hacktree/tmp and removed after. True when it passed
 * (or there was nothing to check).
 */
async function fsckOthers(repo: Repository, tempPack: string, parsed: ParsedPack): Promise<boolean> {
  const named = [...parsed.dotGitNamed].filter((oid) => parsed.blobs.has(oid));
  if (parsed.others.length === 0 && named.length === 0) return true;
  const chunks = [packHeader(parsed.others.length + named.length), ...parsed.others];
  if (named.length > 0) {
    const fd = openSync(tempPack, 'r');
    try {
      for (const oid of named) {
        const [start, end] = parsed.blobs.get(oid)!;
        const entry = Buffer.allocUnsafe(end - start);
        for (let got = 0; got < entry.length; ) got += readSync(fd, entry, got, entry.length - got, start + got);
        chunks.push(entry);
      }
    } finally {
      closeSync(fd);
    }
  }
  const hash = createHash('sha1');
  for (const chunk of chunks) hash.update(chunk);
  chunks.push(hash.digest());
  mkdirSync(repo.tmpDir, { recursive: true });
  const base = tempPath(repo);
  try {
    const fd = openSync(`${base}.pack`, 'wx', 0o600);
    try {
      for (const chunk of chunks) for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done, chunk.length - done);
    } finally {
      closeSync(fd);
    }
    const status = await new Promise<number>((resolve) => {
      const git = spawn('git', [`--git-dir=${repo.dir}`, 'index-pack', '--fsck-objects', '-o', `${base}.idx`, `${base}.pack`], { stdio: 'ignore' });
      git.on('error', () => resolve(127));
      git.on('close', (code) => resolve(code ?? 1));
    });
    return status === 0;
  } finally {
    rmSync(`${base}.pack`, { force: true });
    rmSync(`${base}.idx`, { force: true });
  }
}

/**
 * Renames the pack into place, then writes its .idx: git ignores a pack without an index (and
 * removeStaleTempFiles removes one). Both are flushed first unless HACKTREE_FSYNC=0, as
 * index-pack does: a later pull takes a pack whose index is here as complete.
 */
function installPack(repo: Repository, tempPack: string, entries: readonly PackIndexEntry[], checksum: Buffer): string {
  const name = checksum.toString('hex');
  const packDir = join(repo.objectsDir, 'pack');
  const packPath = join(packDir, `pack-${name}.pack`);
  const indexPath = join(packDir, `pack-${name}.idx`);
  if (existsSync(indexPath)) {
    // The same bytes (its name is their hash): another pull put it here meanwhile.
    rmSync(tempPack, { force: true });
    return name;
  }
  const flush = process.env.HACKTREE_FSYNC !== '0';
  const tempIndex = tempPathBeside(indexPath);
  try {
    writeIndex(tempIndex, serializePackIndex(entries, checksum), flush);
    chmodSync(tempPack, 0o444);
    if (flush) fsyncPath(tempPack);
    renameSync(tempPack, packPath);
    renameSync(tempIndex, indexPath);
  } catch (err) {
    rmSync(tempIndex, { force: true });
    throw err;
  }
  return name;
}

function writeIndex(path: string, bytes: Buffer, flush: boolean): void {
  const fd = openSync(path, 'wx', 0o444);
  try {
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    if (flush) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r'); // read-only is enough for fsync(2)
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
