import { HacktreeError } from '../../errors/HacktreeError.js';

/**
 * Numeric fields of a tar header: octal digits ended by NUL (or space), or GNU base-256 (high
 * bit of the first byte set, then big-endian bytes) for values octal cannot hold, such as
 * uids above 2097151 or files of 8 GiB and more.
 */
type Field = readonly [offset: number, length: number];

/** Does `value` fit a numeric field of `width` bytes as octal digits plus a terminating NUL? */
export function fitsOctal(value: number, width: number): boolean {
  return value < 8 ** (width - 1);
}

export function writeNumber(block: Buffer, [offset, length]: Field, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`tar header number ${value} is not a non-negative integer`);
  if (fitsOctal(value, length)) {
    block.write(value.toString(8).padStart(length - 1, '0') + '\0', offset, length, 'latin1');
    return;
  }
  // GNU base-256: high bit of the first byte set, then the value big-endian.
  let rest = BigInt(value);
  for (let i = offset + length - 1; i > offset; i--) {
    block[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  block[offset] = 0x80;
}

export function readNumber(block: Buffer, field: Field, what: string): number {
  const [offset, length] = field;
  const first = block[offset]!;
  if (first & 0x80) {
    if (first === 0xff) throw invalid(`the ${what} field is a negative base-256 number`);
    let value = BigInt(first & 0x7f);
    for (let i = offset + 1; i < offset + length; i++) value = (value << 8n) | BigInt(block[i]!);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid(`the ${what} field is too large`);
    return Number(value);
  }
  const value = readOctal(block, field);
  if (value === undefined) {
    throw invalid(`the ${what} field ${JSON.stringify(block.toString('latin1', offset, offset + length))} is not an octal number`);
  }
  return value;
}

/**
 * A time field, which hacktree does not keep: GNU tar and bsdtar write times before 1970 as
 * negative base-256 (two's complement), and any value, even one no tar could mean, is no reason
 * to refuse an archive whose checksum holds. Unreadable reads as 0.
 */
export function readTime(block: Buffer, [offset, length]: Field): number {
  const first = block[offset]!;
  if (first & 0x80) {
    // Two's complement over the field with the marker bit: 0xff... is negative, 0x80... positive.
    let value = BigInt(first & 0x7f);
    for (let i = offset + 1; i < offset + length; i++) value = (value << 8n) | BigInt(block[i]!);
    if (first & 0x40) value -= 1n << BigInt(8 * length - 1);
    const clamped = value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER) ? 0n : value;
    return Number(clamped);
  }
  return readOctal(block, [offset, length]) ?? 0;
}

/** Octal digits with optional leading spaces, ended by NUL or space; empty reads as 0. */
export function readOctal(block: Buffer, [offset, length]: Field): number | undefined {
  const text = block.toString('latin1', offset, offset + length);
  const match = /^ *([0-7]*)[ \0]*$/.exec(text);
  if (!match) return undefined;
  return match[1] === '' ? 0 : parseInt(match[1]!, 8);
}

function invalid(why: string): HacktreeError {
  return new HacktreeError('TAR_INVALID', why, { hint: 'the archive is damaged or not a tar archive' });
}
