import { readFileSync } from 'node:fs';
import * as fs from 'node:fs';
import { inflateSync } from 'node:zlib';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { hashObject, objectHeader, unframeObject, type GitObjectType } from '../../model/git/gitObject.js';
import type { Oid } from '../../model/git/oid.js';
import { writeFileAtomic } from '../repository/atomicWrite.js';
import { deflateObjectData } from './deflateObject.js';
import { openRegularFile } from '../../platform/fs/openRegularFile.js';
import { readPackedObject } from './packedObjectReader.js';
import type { Repository } from '../repository/repository.js';

// Loose objects are written here with node:crypto + deflate level 1 rather than isomorphic-git,
// which was several times slower: docs/decisions/0001-own-object-writer.md.

export function looseObjectPath(repo: Repository, oid: Oid): string {
  // Not path.join (objectsDir is absolute and normalized): a pack's writer asks for every blob's.
  return `${repo.objectsDir}/${oid.slice(0, 2)}/${oid.slice(2)}`;
}

/** Writes one object unless it already exists; returns its id. `oid` may be passed when known. */
export function writeObject(repo: Repository, type: GitObjectType, body: Buffer, knownOid?: Oid): Oid {
  const oid = knownOid ?? hashObject(type, body);
  const path = looseObjectPath(repo, oid);
  const stat = fs.lstatSync(path, { throwIfNoEntry: false });
  if (stat?.isFile()) return oid;
  // A directory or fifo in the object's place (damage) is replaced: what is written is the object.
  if (stat !== undefined) fs.rmSync(path, { recursive: true, force: true });
  writeFramedObject(repo, path, Buffer.concat([objectHeader(type, body.length), body]));
  return oid;
}

/** Writes an already framed object ("<type> <size>\0<body>") to its loose path. */
export function writeFramedObject(repo: Repository, path: string, framed: Buffer): void {
  const deflated = deflateObjectData(framed);
  writeFileAtomic(repo, path, [deflated], (_tmp, fd) => fs.fchmodSync(fd, 0o444), 'beside');
}

export interface GitObject {
  type: GitObjectType;
  body: Buffer;
}

/** Reads an object (loose, else packed) and verifies its id. */
export async function readObject(repo: Repository, oid: Oid): Promise<GitObject> {
  const loose = readLooseObject(repo, oid);
  if (loose) return loose;
  const packed = await readPackedObject(repo, oid);
  if (packed === null) {
    throw new HacktreeError('OBJECT_MISSING', `object ${oid} is missing from ${repo.dir}`, {
      hint: 'the repository is incomplete; run "hacktree fsck" to see what else is missing',
      data: { oid },
    });
  }
  if (hashObject(packed.type, packed.body) !== oid) throw corrupt(oid, 'packed object does not match its id');
  return packed;
}

/** Reads a loose object synchronously; null when it is not loose. */
export function readLooseObject(repo: Repository, oid: Oid): GitObject | null {
  const object = readLooseObjectAsStored(repo, oid);
  if (object !== null && hashObject(object.type, object.body) !== oid) throw corrupt(oid, 'its content does not match its id');
  return object;
}

/**
 * A loose object's type and body as stored, not checked against its id (what a comparison with
 * another copy needs); null when it is not loose.
 */
export function readLooseObjectAsStored(repo: Repository, oid: Oid): GitObject | null {
  const deflated = readSmallFile(looseObjectPath(repo, oid), oid);
  if (deflated === null) return null;
  let framed: Buffer;
  try {
    framed = inflateSync(deflated);
  } catch (err) {
    throw corrupt(oid, 'it does not inflate', err);
  }
  const object = unframeObject(framed);
  if (!object) throw corrupt(oid, 'its header is malformed');
  return object;
}

// One read buffer, reused: readFileSync's fstat and fresh buffer per file showed in a checkout's
// reads of loose trees (docs/decisions/0007-synchronous-io.md).
const SMALL_FILE_BYTES = 256 << 10;
const smallFileBuffer = Buffer.allocUnsafe(SMALL_FILE_BYTES);

/**
 * A file's bytes (valid until the next call when small); null when it does not exist; throws
 * OBJECT_CORRUPT when something else than a file (a directory, a fifo) is in its place.
 */
function readSmallFile(path: string, oid: Oid): Buffer | null {
  const opened = openRegularFile(path);
  if (opened === null) return null;
  if ('notFile' in opened) throw corrupt(oid, `its loose object ${path} is ${opened.notFile}, not a file`);
  const { fd } = opened;
  let length = 0;
  try {
    for (let n = -1; n !== 0 && length < SMALL_FILE_BYTES; length += n) n = fs.readSync(fd, smallFileBuffer, length, SMALL_FILE_BYTES - length, null);
  } finally {
    fs.closeSync(fd);
  }
  return length < SMALL_FILE_BYTES ? smallFileBuffer.subarray(0, length) : readFileSync(path);
}

export async function readObjectOfType(repo: Repository, oid: Oid, type: GitObjectType): Promise<Buffer> {
  const object = await readObject(repo, oid);
  if (object.type !== type) throw corrupt(oid, `expected a ${type}, found a ${object.type}`);
  return object.body;
}

export function corrupt(oid: string, why: string, cause?: unknown): HacktreeError {
  return new HacktreeError('OBJECT_CORRUPT', `object ${oid} is corrupt: ${why}`, {
    hint: 'run "hacktree fsck" to list damaged objects; "hacktree fsck --repair" rebuilds the raw cache from git',
    data: { oid },
    cause,
  });
}
