import type { GitObjectType } from './gitObject.js';

/**
 * git's pack format, version 2 (Documentation/gitformat-pack.txt): the bytes hacktree's own pack
 * writer frames objects with. Pure: no I/O.
 */
const TYPE_CODE: Record<GitObjectType, number> = { commit: 1, tree: 2, blob: 3, tag: 4 };

/** "PACK", version 2, object count (big-endian). */
export function packHeader(objectCount: number): Buffer {
  const header = Buffer.alloc(12);
  header.write('PACK', 0, 'latin1');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(objectCount, 8);
  return header;
}

/** An undeltified entry's header: type and inflated size, 4 bits then 7 bits a byte, low first. */
export function packEntryHeader(type: GitObjectType, size: number): Buffer {
  const bytes: number[] = [];
  let byte = (TYPE_CODE[type] << 4) | (size & 0x0f);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Buffer.from(bytes);
}
