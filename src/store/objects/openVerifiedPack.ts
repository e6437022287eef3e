import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import type { Oid } from '../../model/git/oid.js';
import type { Repository } from '../repository/repository.js';

/** A pack's objects by id, each read straight from the pack file. */
export interface VerifiedPack {
  has(oid: Oid): boolean;
  /** Where the object starts in the pack, to read objects in the pack's order. */
  offsetOf(oid: Oid): number;
  /**
   * The object's body when it is stored whole as a blob; null for a git delta or another type.
   * Valid until the next call: it may be a view of this reader's buffers.
   */
  readBlob(oid: Oid): Buffer | null;
  close(): void;
}

const PACK_BLOB = 3;
const IDX_MAGIC = 0xff744f63;

/**
 * Opens a pack that this process just indexed (indexUndeltifiedPack, or `git index-pack`), for
 * reading its blobs without git cat-file and without hashing each again: the indexer computed
 * every object's id from the bytes of the pack file, and wrote the .idx from those ids, so the
 * body at an id's offset is that id's content.
 * Only for packs this process just indexed: a pack found here already may have rotted on disk
 * since, and is read through git with every id checked (readObject).
 */
export function openVerifiedPack(repo: Repository, gitPack: string): VerifiedPack {
  const base = `${repo.objectsDir}/pack/pack-${gitPack}`;
  const spans = readIdxSpans(`${base}.idx`, `${base}.pack`);
  const fd = openSync(`${base}.pack`, 'r');
  let buffer = Buffer.allocUnsafe(1 << 20);
  let joined = Buffer.allocUnsafe(1 << 20);
  return {
    has: (oid) => spans.has(oid),
    offsetOf: (oid) => spans.get(oid)![0],
    readBlob(oid) {
      const [start, end] = spans.get(oid)!;
      const length = end - start;
      if (buffer.length < length) buffer = Buffer.allocUnsafe(length);
      for (let got = 0; got < length; ) {
        const n = readSync(fd, buffer, got, length - got, start + got);
        if (n === 0) return null;
        got += n;
      }
      let byte = buffer[0]!;
      const type = (byte >> 4) & 7;
      let size = byte & 15;
      let pos = 1;
      for (let scale = 16; byte & 0x80; scale *= 128) {
        byte = buffer[pos++]!;
        size += (byte & 0x7f) * scale;
      }
      if (type !== PACK_BLOB) return null;
      if (joined.length < size) joined = Buffer.allocUnsafe(size);
      const stored = storedBody(buffer.subarray(pos, length), size, joined);
      if (stored !== null) return stored;
      const body = inflateSync(buffer.subarray(pos, length));
      return body.length === size ? body : null;
    },
    close: () => closeSync(fd),
  };
}

/**
 * The body of a zlib stream of stored (uncompressed) deflate blocks, as publish packs objects
 * (compression 0): the blocks' bytes copied into `out` (or, for one block, a view of `stream`),
 * without zlib. Null when the stream is not of that form, or not of `size` bytes: zlib then
 * decides. Its Adler-32 is not checked: the pack's objects were hashed moments ago.
 */
function storedBody(stream: Buffer, size: number, out: Buffer): Buffer | null {
  if (stream.length < 2 || (stream[0]! & 0x0f) !== 8 || stream[1]! & 0x20 || (stream[0]! * 256 + stream[1]!) % 31 !== 0) return null;
  let at = 2;
  let got = 0;
  for (let final = false; !final; ) {
    if (at + 5 > stream.length) return null;
    const header = stream[at]!;
    if ((header & 6) !== 0) return null; // a compressed block
    final = (header & 1) === 1;
    const length = stream.readUInt16LE(at + 1);
    if ((length ^ stream.readUInt16LE(at + 3)) !== 0xffff || at + 5 + length > stream.length || got + length > size) return null;
    if (final && got === 0) return length === size ? stream.subarray(at + 5, at + 5 + length) : null;
    stream.copy(out, got, at + 5, at + 5 + length);
    got += length;
    at += 5 + length;
  }
  return got === size ? out.subarray(0, size) : null;
}

/** Each object's [start, end) in the pack, from a version 2 .idx (git's pack-format.txt). */
function readIdxSpans(idxPath: string, packPath: string): Map<Oid, [number, number]> {
  const fd = openSync(idxPath, 'r');
  let idx: Buffer;
  try {
    idx = Buffer.allocUnsafe(fstatSync(fd).size);
    for (let got = 0; got < idx.length; ) got += readSync(fd, idx, got, idx.length - got, got);
  } finally {
    closeSync(fd);
  }
  if (idx.readUInt32BE(0) !== IDX_MAGIC || idx.readUInt32BE(4) !== 2) throw new Error(`${idxPath} is not a version 2 pack index`);
  const count = idx.readUInt32BE(8 + 255 * 4);
  const ids = 8 + 256 * 4;
  const offsets = ids + count * 20 + count * 4;
  const large = offsets + count * 4;
  const objects: Array<{ oid: Oid; offset: number }> = [];
  for (let i = 0; i < count; i++) {
    let offset = idx.readUInt32BE(offsets + i * 4);
    if (offset & 0x80000000) offset = Number(idx.readBigUInt64BE(large + (offset & 0x7fffffff) * 8));
    objects.push({ oid: idx.toString('hex', ids + i * 20, ids + i * 20 + 20) as Oid, offset });
  }
  objects.sort((a, b) => a.offset - b.offset);
  // The pack ends with the 20-byte checksum of everything before it.
  const packEnd = statSize(packPath) - 20;
  const spans = new Map<Oid, [number, number]>();
  objects.forEach(({ oid, offset }, i) => spans.set(oid, [offset, objects[i + 1]?.offset ?? packEnd]));
  return spans;
}

function statSize(path: string): number {
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}
