import { createHash } from 'node:crypto';
import type { Oid } from './oid.js';

export interface PackIndexEntry {
  oid: Oid;
  /** CRC-32 of the entry's bytes in the pack (header + deflated body). */
  crc32: number;
  offset: number;
}

const LARGE_OFFSET = 0x80000000;

/**
 * A pack's .idx, version 2 (Documentation/gitformat-pack.txt): magic, fan-out table, sorted
 * ids, CRC-32s, 31-bit offsets (larger ones in an 8-byte table), the pack's checksum and the
 * index's own. Pure: entries in, bytes out. Ids must be unique.
 */
export function serializePackIndex(entries: readonly PackIndexEntry[], packChecksum: Buffer): Buffer {
  const sorted = [...entries].sort((a, b) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0));
  const n = sorted.length;
  const large = sorted.filter((e) => e.offset >= LARGE_OFFSET);
  const out = Buffer.alloc(8 + 256 * 4 + n * (20 + 4 + 4) + large.length * 8 + 20 + 20);
  out.writeUInt32BE(0xff744f63, 0); // "\377tOc"
  out.writeUInt32BE(2, 4);
  const fanout = 8;
  const ids = fanout + 256 * 4;
  const crcs = ids + n * 20;
  const offsets = crcs + n * 4;
  const largeOffsets = offsets + n * 4;
  const counts = new Array<number>(256).fill(0);
  let largeIndex = 0;
  sorted.forEach((entry, i) => {
    counts[parseInt(entry.oid.slice(0, 2), 16)]!++;
    out.write(entry.oid, ids + i * 20, 'hex');
    out.writeUInt32BE(entry.crc32 >>> 0, crcs + i * 4);
    if (entry.offset < LARGE_OFFSET) {
      out.writeUInt32BE(entry.offset, offsets + i * 4);
    } else {
      out.writeUInt32BE((LARGE_OFFSET | largeIndex) >>> 0, offsets + i * 4);
      out.writeBigUInt64BE(BigInt(entry.offset), largeOffsets + largeIndex * 8);
      largeIndex++;
    }
  });
  let total = 0;
  counts.forEach((count, byte) => out.writeUInt32BE((total += count), fanout + byte * 4));
  const trailer = largeOffsets + large.length * 8;
  packChecksum.copy(out, trailer);
  createHash('sha1').update(out.subarray(0, trailer + 20)).digest().copy(out, trailer + 20);
  return out;
}

/** Whether a version 2 pack index lists `oid` (fan-out, then binary search of the sorted ids). */
export function packIndexHas(index: Buffer, oid: Oid): boolean {
  if (index.length < 8 + 1024 || index.readUInt32BE(0) !== 0xff744f63 || index.readUInt32BE(4) !== 2) return false;
  const first = parseInt(oid.slice(0, 2), 16);
  let lo = first === 0 ? 0 : index.readUInt32BE(8 + (first - 1) * 4);
  let hi = index.readUInt32BE(8 + first * 4);
  const wanted = Buffer.from(oid, 'hex');
  const ids = 8 + 1024;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const order = index.compare(wanted, 0, 20, ids + mid * 20, ids + mid * 20 + 20);
    if (order === 0) return true;
    if (order > 0) hi = mid;
    else lo = mid + 1;
  }
  return false;
}

/**
 * The entries of a version 2 pack index, in id order; null when it is not one or its own
 * checksum (its last 20 bytes) does not match: nothing in a damaged index is believed.
 */
export function parsePackIndex(index: Buffer): PackIndexEntry[] | null {
  if (index.length < 8 + 1024 + 40 || index.readUInt32BE(0) !== 0xff744f63 || index.readUInt32BE(4) !== 2) return null;
  const own = createHash('sha1').update(index.subarray(0, index.length - 20)).digest();
  if (!own.equals(index.subarray(index.length - 20))) return null;
  const n = index.readUInt32BE(8 + 255 * 4);
  const ids = 8 + 1024;
  const crcs = ids + n * 20;
  const offsets = crcs + n * 4;
  const largeOffsets = offsets + n * 4;
  if (largeOffsets + 40 > index.length) return null;
  const entries: PackIndexEntry[] = [];
  for (let i = 0; i < n; i++) {
    const small = index.readUInt32BE(offsets + i * 4);
    const at = largeOffsets + (small & ~LARGE_OFFSET) * 8;
    if (small >= LARGE_OFFSET && at + 8 > index.length - 40) return null;
    entries.push({
      oid: index.toString('hex', ids + i * 20, ids + i * 20 + 20) as Oid,
      crc32: index.readUInt32BE(crcs + i * 4),
      offset: small < LARGE_OFFSET ? small : Number(index.readBigUInt64BE(at)),
    });
  }
  return entries;
}
