import { HacktreeError } from '../../errors/HacktreeError.js';
import { readNumber } from './tarNumber.js';

/**
 * GNU sparse members: the archive stores only a file's data segments, back to back, and a map
 * of where each goes; the rest of the file is holes (zeros). Four formats are in use: GNU tar's
 * old 'S' typeflag (map in the header and extension blocks, `--format=gnu --sparse`), and pax
 * versions 0.0 (repeated GNU.sparse.offset/numbytes records), 0.1 (GNU.sparse.map) and 1.0
 * (the map in decimal lines at the start of the data; what `tar --format=posix --sparse` and
 * bsdtar write by default). Pure: records and blocks in, a map out.
 */
export interface SparseSegment {
  offset: number;
  size: number;
}

export interface SparseMap {
  /** The file's size with its holes. */
  realSize: number;
  /** Data segments, in order; undefined for pax 1.0 until the data's map prefix is read. */
  segments?: SparseSegment[];
  /** The real name (GNU.sparse.name): the header's is a made-up "GNUSparseFile.N/..." one. */
  name?: string;
}

/** The map of a pax member with GNU.sparse.* records (values in record order, 0.0's repeated ones joined with ','). */
export function sparseMapOfPax(records: ReadonlyMap<string, string>): SparseMap {
  const major = records.get('GNU.sparse.major');
  const minor = records.get('GNU.sparse.minor');
  const name = records.get('GNU.sparse.name') || undefined;
  if (major !== undefined && !(major === '1' && minor === '0')) {
    throw invalid(`GNU sparse format ${major}.${minor ?? '?'}, which hacktree does not know (it reads 0.0, 0.1, 1.0 and the old GNU 'S' type)`);
  }
  if (major === '1') return { realSize: decimal(records.get('GNU.sparse.realsize'), 'GNU.sparse.realsize'), name };
  const realSize = decimal(records.get('GNU.sparse.size') ?? records.get('GNU.sparse.realsize'), 'GNU.sparse.size');
  const map = records.get('GNU.sparse.map');
  let numbers: number[];
  if (map !== undefined) {
    numbers = map === '' ? [] : map.split(',').map((n) => decimal(n, 'GNU.sparse.map'));
  } else {
    const offsets = (records.get('GNU.sparse.offset') ?? '').split(',').filter((n) => n !== '');
    const sizes = (records.get('GNU.sparse.numbytes') ?? '').split(',').filter((n) => n !== '');
    if (offsets.length !== sizes.length) throw invalid('the GNU.sparse.offset and GNU.sparse.numbytes records do not pair up');
    numbers = offsets.flatMap((offset, i) => [decimal(offset, 'GNU.sparse.offset'), decimal(sizes[i], 'GNU.sparse.numbytes')]);
  }
  if (numbers.length % 2 !== 0) throw invalid('the GNU.sparse.map has an odd count of numbers');
  const segments = pairs(numbers);
  const count = records.get('GNU.sparse.numblocks');
  if (count !== undefined && decimal(count, 'GNU.sparse.numblocks') !== segments.length) {
    throw invalid(`GNU.sparse.numblocks says ${count} but the map has ${segments.length} segments`);
  }
  return { realSize, segments: checkSegments(segments, realSize), name };
}

/**
 * Pax 1.0's map at the start of the data: decimal lines "count", then "offset", "size" per
 * segment, padded with NULs to a 512-byte boundary. Returns undefined when `prefix` (whole
 * blocks) does not hold the whole map yet, else the segments and the map's length in bytes.
 */
export function parseSparseMapPrefix(prefix: Buffer, realSize: number): { segments: SparseSegment[]; length: number } | undefined {
  const numbers: number[] = [];
  let pos = 0;
  let count: number | undefined;
  while (count === undefined || numbers.length < 2 * count) {
    const newline = prefix.indexOf(0x0a, pos);
    if (newline < 0) {
      if (prefix.length - pos > 20) throw invalid('the sparse map at the start of the member data is not decimal lines');
      return undefined;
    }
    const value = decimal(prefix.toString('latin1', pos, newline), 'sparse map line');
    pos = newline + 1;
    if (count === undefined) count = value;
    else numbers.push(value);
  }
  return { segments: checkSegments(pairs(numbers), realSize), length: Math.ceil(pos / 512) * 512 };
}

/**
 * The map in an old GNU 'S' header (4 entries of 12-byte offset and size at byte 386, then the
 * "more in extension blocks" flag and the real size) or in one of its 512-byte extension blocks
 * (21 entries, then the flag).
 */
export function parseOldGnuSparse(block: Buffer, part: 'header' | 'extension'): { segments: SparseSegment[]; extended: boolean; realSize?: number } {
  const [start, count, flagAt] = part === 'header' ? [386, 4, 482] : [0, 21, 504];
  const segments: SparseSegment[] = [];
  for (let i = 0; i < count; i++) {
    const at = start + 24 * i;
    if (block[at] === 0) break;
    segments.push({ offset: readNumber(block, [at, 12], 'sparse offset'), size: readNumber(block, [at + 12, 12], 'sparse size') });
  }
  const extended = block[flagAt] !== 0;
  if (part === 'extension') return { segments, extended };
  return { segments, extended, realSize: readNumber(block, [483, 12], 'sparse real size') };
}

/** Segments must be in order, not overlap and end within the file: anything else is damage. */
export function checkSegments(segments: SparseSegment[], realSize: number): SparseSegment[] {
  let end = 0;
  for (const { offset, size } of segments) {
    if (offset < end || offset + size > realSize) {
      throw invalid(`the sparse map's segment at ${offset} (${size} bytes) overlaps another or lies past the file's ${realSize} bytes`);
    }
    end = offset + size;
  }
  return segments;
}

/** The stored bytes the segments hold (the member's data, less 1.0's map). */
export function storedSize(segments: readonly SparseSegment[]): number {
  return segments.reduce((sum, s) => sum + s.size, 0);
}

function pairs(numbers: number[]): SparseSegment[] {
  const segments: SparseSegment[] = [];
  for (let i = 0; i < numbers.length; i += 2) segments.push({ offset: numbers[i]!, size: numbers[i + 1]! });
  return segments;
}

function decimal(text: string | undefined, what: string): number {
  const value = Number(text);
  if (text === undefined || !/^[0-9]+$/.test(text) || !Number.isSafeInteger(value)) {
    throw invalid(`the ${what} ${text === undefined ? 'is missing' : JSON.stringify(text) + ' is not a number'}`);
  }
  return value;
}

function invalid(why: string): HacktreeError {
  return new HacktreeError('TAR_INVALID', `a GNU sparse member: ${why}`, { hint: 'the archive is damaged; recreate it with GNU tar or bsdtar' });
}
