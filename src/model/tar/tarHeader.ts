import { HacktreeError } from '../../errors/HacktreeError.js';
import { decodePathBytes, encodePathBytes, hasRawBytes, pathByteLength } from '../snapshot/pathBytes.js';
import { readNumber, readOctal, readTime, writeNumber } from './tarNumber.js';

export { fitsOctal } from './tarNumber.js';

/**
 * One 512-byte tar header (POSIX ustar, read leniently: GNU and v7 headers too). Pure: bytes in,
 * bytes out. hacktree has its own codec because node-tar's pax parser drops SCHILY.xattr.*
 * records and cuts values at NUL, so binary xattrs such as security.capability could not
 * round-trip; see paxRecords.ts for the extended records.
 */
export const BLOCK_SIZE = 512;

/** What a typeflag means to hacktree; undefined for types it does not support. */
export type TarEntryType =
  | 'file' | 'hardlink' | 'symlink' | 'chardev' | 'blockdev' | 'dir' | 'fifo'
  | 'paxLocal' | 'paxGlobal' | 'gnuLongName' | 'gnuLongLink' | 'gnuSparse';

const TYPE_OF_FLAG: Readonly<Record<string, TarEntryType>> = {
  '0': 'file', '\0': 'file', '7': 'file', // '7' (contiguous) is a regular file everywhere but on Masscomp
  '1': 'hardlink', '2': 'symlink', '3': 'chardev', '4': 'blockdev', '5': 'dir', '6': 'fifo',
  x: 'paxLocal', g: 'paxGlobal', L: 'gnuLongName', K: 'gnuLongLink', S: 'gnuSparse',
};

export const TYPEFLAG: Readonly<Record<TarEntryType, string>> = {
  file: '0', hardlink: '1', symlink: '2', chardev: '3', blockdev: '4', dir: '5', fifo: '6',
  paxLocal: 'x', paxGlobal: 'g', gnuLongName: 'L', gnuLongLink: 'K', gnuSparse: 'S',
};

export function entryTypeOf(typeflag: string): TarEntryType | undefined {
  return TYPE_OF_FLAG[typeflag];
}

export interface TarHeader {
  /** The full name: ustar prefix and name joined. Names and linkname are bytes as pathBytes holds them. */
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  /** One character, as stored. */
  typeflag: string;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
}

// [offset, length] of each field.
const NAME = [0, 100] as const;
const MODE = [100, 8] as const;
const UID = [108, 8] as const;
const GID = [116, 8] as const;
const SIZE = [124, 12] as const;
const MTIME = [136, 12] as const;
const CHKSUM = [148, 8] as const;
const TYPEFLAG_AT = 156;
const LINKNAME = [157, 100] as const;
const MAGIC = [257, 8] as const; // magic (6) + version (2)
const UNAME = [265, 32] as const;
const GNAME = [297, 32] as const;
const DEVMAJOR = [329, 8] as const;
const DEVMINOR = [337, 8] as const;
const PREFIX = [345, 155] as const;

const POSIX_MAGIC = Buffer.from('ustar\x0000', 'latin1');
const ZERO_BLOCK = Buffer.alloc(BLOCK_SIZE);

export function fitsUstarLinkname(linkname: string): boolean {
  return pathByteLength(linkname) <= LINKNAME[1];
}

/** Splits a name into ustar prefix and name (at a '/'), or null when it cannot fit. */
export function splitUstarName(fullName: string): { prefix: string; name: string } | null {
  const bytes = pathByteLength(fullName);
  if (bytes <= NAME[1]) return { prefix: '', name: fullName };
  if (bytes > PREFIX[1] + 1 + NAME[1]) return null;
  // The name part keeps a directory's trailing '/', so never split at the last character.
  for (let slash = fullName.lastIndexOf('/', fullName.length - 2); slash > 0; slash = fullName.lastIndexOf('/', slash - 1)) {
    const prefix = fullName.slice(0, slash);
    const name = fullName.slice(slash + 1);
    if (pathByteLength(name) > NAME[1]) return null;
    if (pathByteLength(prefix) <= PREFIX[1]) return { prefix, name };
  }
  return null;
}

/**
 * Encodes a header. Never fails: a name or linkname too long is truncated and a number too
 * large is written in GNU base-256, so the caller adds a pax header whenever
 * `splitUstarName`, `fitsUstarLinkname` or `fitsOctal` says a field does not fit.
 */
export function encodeHeader(header: TarHeader): Buffer {
  const block = Buffer.alloc(BLOCK_SIZE);
  const split = splitUstarName(header.name) ?? { prefix: '', name: header.name };
  writePathText(block, NAME, split.name);
  writePathText(block, PREFIX, split.prefix);
  writeNumber(block, MODE, header.mode);
  writeNumber(block, UID, header.uid);
  writeNumber(block, GID, header.gid);
  writeNumber(block, SIZE, header.size);
  writeNumber(block, MTIME, header.mtime);
  block.write(header.typeflag, TYPEFLAG_AT, 1, 'latin1');
  writePathText(block, LINKNAME, header.linkname);
  POSIX_MAGIC.copy(block, MAGIC[0]);
  writeText(block, UNAME, header.uname);
  writeText(block, GNAME, header.gname);
  if (header.typeflag === TYPEFLAG.chardev || header.typeflag === TYPEFLAG.blockdev) {
    writeNumber(block, DEVMAJOR, header.devmajor);
    writeNumber(block, DEVMINOR, header.devminor);
  }
  // Six octal digits, NUL, space: what every tar writes.
  block.write(checksumOf(block).toString(8).padStart(6, '0') + '\0 ', CHKSUM[0], CHKSUM[1], 'latin1');
  return block;
}

/** True for the all-zero block that marks the end of an archive. */
export function isZeroBlock(block: Buffer): boolean {
  return block.equals(ZERO_BLOCK);
}

/**
 * Decodes a non-zero header block. Throws TAR_INVALID (without file context, which the caller
 * adds) when the checksum or a numeric field is wrong.
 */
export function decodeHeader(block: Buffer): TarHeader {
  const stored = readOctal(block, CHKSUM);
  if (stored === undefined) throw invalid('the header checksum field is not an octal number');
  const computed = checksumOf(block);
  // Some old tars summed signed bytes; GNU tar accepts either, so do we.
  if (stored !== computed && stored !== signedChecksumOf(block)) {
    throw invalid(`bad header checksum (stored ${stored.toString(8)}, computed ${computed.toString(8)})`);
  }
  const magic = block.toString('latin1', MAGIC[0], MAGIC[0] + 6);
  const name = readPathText(block, NAME);
  // Only POSIX ustar has a prefix; old GNU headers keep atime/ctime in those bytes.
  const prefix = magic === 'ustar\0' ? readPathText(block, PREFIX) : '';
  return {
    name: prefix === '' ? name : `${prefix}/${name}`,
    mode: readNumber(block, MODE, 'mode'),
    uid: readNumber(block, UID, 'uid'),
    gid: readNumber(block, GID, 'gid'),
    size: readNumber(block, SIZE, 'size'),
    mtime: readTime(block, MTIME),
    typeflag: String.fromCharCode(block[TYPEFLAG_AT]!),
    linkname: readPathText(block, LINKNAME),
    uname: readText(block, UNAME),
    gname: readText(block, GNAME),
    devmajor: readNumber(block, DEVMAJOR, 'devmajor'),
    devminor: readNumber(block, DEVMINOR, 'devminor'),
  };
}

/** Unsigned sum of the header's bytes with the checksum field counted as spaces. */
function checksumOf(block: Buffer): number {
  let sum = 8 * 0x20;
  for (let i = 0; i < CHKSUM[0]; i++) sum += block[i]!;
  for (let i = CHKSUM[0] + CHKSUM[1]; i < BLOCK_SIZE; i++) sum += block[i]!;
  return sum;
}

function signedChecksumOf(block: Buffer): number {
  let sum = 8 * 0x20;
  for (let i = 0; i < BLOCK_SIZE; i++) {
    if (i === CHKSUM[0]) i += CHKSUM[1];
    sum += block.readInt8(i);
  }
  return sum;
}

function writeText(block: Buffer, [offset, length]: readonly [number, number], text: string): void {
  // Buffer.write never writes a partial UTF-8 character, so truncation stays valid UTF-8.
  block.write(text, offset, length, 'utf8');
}

/** A name or linkname: raw bytes in ustar and GNU headers, whatever their encoding. */
function writePathText(block: Buffer, field: readonly [number, number], text: string): void {
  if (!hasRawBytes(text)) return writeText(block, field, text);
  const bytes = encodePathBytes(text);
  bytes.copy(block, field[0], 0, Math.min(bytes.length, field[1]));
}

function readText(block: Buffer, field: readonly [number, number]): string {
  const [offset, end] = textBounds(block, field);
  return block.toString('utf8', offset, end);
}

function readPathText(block: Buffer, field: readonly [number, number]): string {
  const [offset, end] = textBounds(block, field);
  return decodePathBytes(block, offset, end);
}

function textBounds(block: Buffer, [offset, length]: readonly [number, number]): [number, number] {
  const nul = block.indexOf(0, offset);
  return [offset, nul < 0 || nul > offset + length ? offset + length : nul];
}

function invalid(why: string): HacktreeError {
  return new HacktreeError('TAR_INVALID', why, { hint: 'the archive is damaged or not a tar archive' });
}
