import type { Xattr } from '../snapshot/fsEntry.js';
import { encodePaxRecords, encodeXattrKeyName, type PaxRecord } from './paxRecords.js';
import { ACL_ACCESS_XATTR, ACL_DEFAULT_XATTR, decodeAclXattr, formatAclText } from './posixAcl.js';
import { decodePathBytes, encodePathBytes, hasRawBytes, pathByteLength } from '../snapshot/pathBytes.js';
import { TOP } from '../snapshot/repoPath.js';
import { encodeHeader, fitsOctal, fitsUstarLinkname, splitUstarName, TYPEFLAG, type TarHeader } from './tarHeader.js';
import type { TarMember } from './tarMember.js';

const NON_ASCII = /[^\x00-\x7f]/;
const PAX_NAME_BYTES = 100;

/**
 * The header blocks of one member: a pax 'x' header when ustar cannot say everything (long or
 * non-ASCII names, large numbers, xattrs as GNU tar's SCHILY.xattr.NAME=raw bytes), then the
 * ustar header. Content and padding are the caller's. Same member and mtime, same bytes.
 */
export function encodeMemberHeaders(member: TarMember, mtime: number): Buffer {
  const header = headerOf(member, mtime);
  const records = paxRecordsOf(header, member.kind === 'hardlink' ? [] : member.xattrs);
  if (records.length === 0) return encodeHeader(header);
  const data = encodePaxRecords(records);
  const paxHeader: TarHeader = {
    ...header,
    // GNU tar's "%d/PaxHeaders.%p/%f" holds a pid; a fixed name keeps the output reproducible.
    name: paxHeaderName(member.path),
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: data.length,
    typeflag: TYPEFLAG.paxLocal,
    linkname: '',
    devmajor: 0,
    devminor: 0,
  };
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([encodeHeader(paxHeader), data, padding, encodeHeader(header)]);
}

/** The name a member has inside the archive: "./" for the top, a trailing "/" for directories. */
export function tarNameOf(member: TarMember): string {
  if (member.path === TOP) return './';
  return member.kind === 'dir' ? `${member.path}/` : member.path;
}

function headerOf(member: TarMember, mtime: number): TarHeader {
  const header: TarHeader = {
    name: tarNameOf(member), mode: 0, uid: 0, gid: 0, size: 0, mtime, typeflag: TYPEFLAG[member.kind],
    linkname: '', uname: '', gname: '', devmajor: 0, devminor: 0,
  };
  // A hardlink's metadata is its target's: the member only names the target.
  if (member.kind === 'hardlink') return { ...header, linkname: member.target };
  const withMeta = { ...header, mode: member.mode & 0o7777, uid: member.uid, gid: member.gid };
  switch (member.kind) {
    case 'file': return { ...withMeta, size: member.size };
    case 'symlink': return { ...withMeta, linkname: member.target };
    case 'chardev':
    case 'blockdev': return { ...withMeta, devmajor: member.major, devminor: member.minor };
    case 'dir':
    case 'fifo': return withMeta;
  }
}

function paxRecordsOf(header: TarHeader, xattrs: readonly Xattr[]): PaxRecord[] {
  const records: PaxRecord[] = [];
  const text = (key: string, value: string): void => {
    records.push({ key, value: encodePathBytes(value) });
  };
  // Non-ASCII names go to pax too, where they are UTF-8 by definition and not a locale's guess.
  // A name that is not UTF-8 goes there as its bytes, as GNU tar writes it (without the
  // hdrcharset=BINARY record, which GNU tar 1.34 warns about); readers decode it as pathBytes does.
  if (splitUstarName(header.name) === null || NON_ASCII.test(header.name)) text('path', header.name);
  if (!fitsUstarLinkname(header.linkname) || NON_ASCII.test(header.linkname)) text('linkpath', header.linkname);
  if (!fitsOctal(header.size, 12)) text('size', String(header.size));
  if (!fitsOctal(header.uid, 8)) text('uid', String(header.uid));
  if (!fitsOctal(header.gid, 8)) text('gid', String(header.gid));
  const sorted = xattrs.length > 1 ? [...xattrs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) : xattrs;
  for (const { name, value } of sorted) records.push({ key: `SCHILY.xattr.${encodeXattrKeyName(name)}`, value });
  // POSIX ACLs also as `tar --acls` text (numeric ids), as GNU tar writes them beside the xattr
  // form: `tar --acls -x` restores only that one, and `tar --xattrs -x` only the xattr.
  for (const { name, value } of sorted) {
    const key = name === ACL_ACCESS_XATTR ? 'SCHILY.acl.access' : name === ACL_DEFAULT_XATTR ? 'SCHILY.acl.default' : undefined;
    if (key !== undefined) records.push({ key, value: Buffer.from(formatAclText(decodeAclXattr(value))) });
  }
  return records;
}

/** "PaxHeaders/<base name>", cut to fit the ustar name field (readers ignore it anyway). */
function paxHeaderName(path: string): string {
  const name = `PaxHeaders/${path.slice(path.lastIndexOf('/') + 1)}`;
  if (pathByteLength(name) <= PAX_NAME_BYTES) return name;
  if (hasRawBytes(name)) return decodePathBytes(encodePathBytes(name).subarray(0, PAX_NAME_BYTES));
  // Buffer.write stops before a UTF-8 character that would not fit.
  const bytes = Buffer.alloc(PAX_NAME_BYTES);
  return bytes.toString('utf8', 0, bytes.write(name));
}
