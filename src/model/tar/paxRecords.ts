import { HacktreeError } from '../../errors/HacktreeError.js';

/**
 * Pax extended header records, "LEN key=value\n", where LEN counts the whole record in decimal
 * bytes including itself. Values are raw bytes: SCHILY.xattr.* values (capabilities, SELinux
 * labels) may hold NUL and any other byte, so nothing here treats a value as text.
 */
export interface PaxRecord {
  key: string;
  value: Buffer;
}

const SPACE = 0x20;
const EQUALS = 0x3d;
const NEWLINE = 0x0a;

export function encodePaxRecords(records: readonly PaxRecord[]): Buffer {
  const parts: Buffer[] = [];
  for (const { key, value } of records) {
    const head = Buffer.from(` ${key}=`);
    const body = head.length + value.length + 1;
    // The length prefix counts its own digits: grow it once if adding them adds a digit.
    let length = body + String(body).length;
    if (String(length).length > String(body).length) length = body + String(length).length;
    parts.push(Buffer.from(String(length), 'latin1'), head, value, Buffer.from([NEWLINE]));
  }
  return Buffer.concat(parts);
}

/** Decodes records in order (a later record for the same key wins, as the caller applies them). */
export function decodePaxRecords(data: Buffer): PaxRecord[] {
  const records: PaxRecord[] = [];
  let pos = 0;
  // Some writers pad the data with NULs: the records end at the first one.
  while (pos < data.length && data[pos] !== 0) {
    const space = data.indexOf(SPACE, pos);
    if (space < 0 || space - pos > 20) throw invalid(pos, 'has no length');
    const lengthText = data.toString('latin1', pos, space);
    if (!/^[1-9][0-9]*$/.test(lengthText)) throw invalid(pos, `has a bad length ${JSON.stringify(lengthText)}`);
    const end = pos + Number(lengthText);
    if (end > data.length) throw invalid(pos, `says ${lengthText} bytes but only ${data.length - pos} remain`);
    if (data[end - 1] !== NEWLINE) throw invalid(pos, 'does not end with a newline');
    const equals = data.indexOf(EQUALS, space + 1);
    if (equals < 0 || equals >= end) throw invalid(pos, 'has no "="');
    records.push({
      key: data.toString('utf8', space + 1, equals),
      value: Buffer.from(data.subarray(equals + 1, end - 1)),
    });
    pos = end;
  }
  return records;
}

/** GNU tar's escaping of xattr names inside SCHILY.xattr keys: '%' and '=' would be ambiguous. */
export function encodeXattrKeyName(name: string): string {
  return name.replace(/%/g, '%25').replace(/=/g, '%3D');
}

export function decodeXattrKeyName(encoded: string): string {
  return encoded.replace(/%(3D|25)/g, (_m, hex: string) => (hex === '3D' ? '=' : '%'));
}

function invalid(offset: number, why: string): HacktreeError {
  return new HacktreeError('TAR_INVALID', `the pax record at byte ${offset} of the extended header ${why}`, {
    hint: 'the archive is damaged',
  });
}
