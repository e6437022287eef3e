import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { Oid } from '../../model/git/oid.js';
import { parsePackIndex } from '../../model/git/packIndex.js';

/** Bytes read at a time: a packed object may be hundreds of megabytes. */
const CHUNK = 1 << 20;

/**
 * The objects of a pack whose bytes fail the CRC-32 its index keeps for each (header and
 * deflated data, or delta): which objects a damaged pack lost, where `git verify-pack` only
 * stops at the first. Null when the index itself is damaged or not version 2: then nothing can
 * be said object by object.
 */
export function findCorruptPackedObjects(packPath: string, indexPath: string): { objects: Oid[]; corrupt: Oid[] } | null {
  const entries = parsePackIndex(readFileSync(indexPath));
  if (entries === null) return null;
  const byOffset = [...entries].sort((a, b) => a.offset - b.offset);
  const fd = openSync(packPath, 'r');
  try {
    // The pack ends with its 20-byte checksum.
    const end = fstatSync(fd).size - 20;
    const buffer = Buffer.allocUnsafe(CHUNK);
    const corrupt: Oid[] = [];
    byOffset.forEach((entry, i) => {
      const stop = i + 1 < byOffset.length ? byOffset[i + 1]!.offset : end;
      let crc = 0;
      for (let at = entry.offset; at < stop; ) {
        const n = readSync(fd, buffer, 0, Math.min(CHUNK, stop - at), at);
        if (n === 0) break;
        crc = crc32(buffer.subarray(0, n), crc);
        at += n;
      }
      if (stop > end || crc >>> 0 !== entry.crc32 >>> 0) corrupt.push(entry.oid);
    });
    return { objects: entries.map((e) => e.oid), corrupt: corrupt.sort() };
  } finally {
    closeSync(fd);
  }
}
