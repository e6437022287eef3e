import { HacktreeError } from '../../errors/HacktreeError.js';
import type { Xattr } from '../snapshot/fsEntry.js';
import { decodeXattrKeyName, type PaxRecord } from './paxRecords.js';
import { decodePathBytes } from '../snapshot/pathBytes.js';
import type { TarHeader } from './tarHeader.js';

/**
 * What extended headers (pax 'x'/'g', GNU 'L'/'K') say about the next member, overriding its
 * ustar fields: long or non-ASCII names, large numbers, and extended attributes.
 */
export interface TarOverrides {
  path?: string;
  linkpath?: string;
  size?: number;
  uid?: number;
  gid?: number;
  /** By xattr name; a later record for the same name wins. */
  xattrs: Map<string, Buffer>;
  /** POSIX ACLs in text form (SCHILY.acl.access / SCHILY.acl.default, as `tar --acls` writes them). */
  aclAccess?: string;
  aclDefault?: string;
  /** GNU.sparse.* records: the member is sparse (see sparseMap.ts). */
  sparse?: Map<string, string>;
}

export function emptyOverrides(): TarOverrides {
  return { xattrs: new Map() };
}

const SCHILY_XATTR = 'SCHILY.xattr.';
const LIBARCHIVE_XATTR = 'LIBARCHIVE.xattr.';

/**
 * Applies pax records to `into`. Global ('g') records only set uid and gid: a global path,
 * size or xattr would name every following member, which no sane writer means.
 */
export function applyPaxRecords(records: readonly PaxRecord[], into: TarOverrides, scope: 'local' | 'global'): void {
  for (const { key, value } of records) {
    // POSIX: an empty value removes the keyword, letting the ustar field (or a global) stand.
    const text = value.length === 0 ? undefined : value.toString('utf8');
    if (key === 'uid') into.uid = text === undefined ? undefined : decimal(key, text);
    else if (key === 'gid') into.gid = text === undefined ? undefined : decimal(key, text);
    else if (scope === 'global') continue;
    // UTF-8 by POSIX, raw bytes after GNU tar's hdrcharset=BINARY: pathBytes decodes both exactly.
    else if (key === 'path') into.path = value.length === 0 ? undefined : decodePathBytes(value);
    else if (key === 'linkpath') into.linkpath = value.length === 0 ? undefined : decodePathBytes(value);
    else if (key === 'size') into.size = text === undefined ? undefined : decimal(key, text);
    else if (key.startsWith(SCHILY_XATTR)) into.xattrs.set(decodeXattrKeyName(key.slice(SCHILY_XATTR.length)), value);
    else if (key.startsWith(LIBARCHIVE_XATTR)) {
      // bsdtar URL-encodes the name and base64-encodes the value.
      const name = decodeURIComponentBytes(key.slice(LIBARCHIVE_XATTR.length));
      into.xattrs.set(name, Buffer.from(value.toString('latin1'), 'base64'));
    } else if (key === 'SCHILY.acl.access') into.aclAccess = text;
    else if (key === 'SCHILY.acl.default') into.aclDefault = text;
    else if (key.startsWith('GNU.sparse.')) {
      // Sparse format 0.0 repeats offset/numbytes pairs: keep them in order as one list.
      const sparse = into.sparse ??= new Map();
      const previous = sparse.get(key);
      const repeated = key === 'GNU.sparse.offset' || key === 'GNU.sparse.numbytes';
      sparse.set(key, repeated && previous !== undefined ? `${previous},${text ?? ''}` : text ?? '');
    }
  }
}

/** The member's effective header: ustar fields with the overrides applied. */
export function applyOverrides(header: TarHeader, overrides: TarOverrides): TarHeader {
  return {
    ...header,
    name: overrides.path ?? header.name,
    linkname: overrides.linkpath ?? header.linkname,
    size: overrides.size ?? header.size,
    uid: overrides.uid ?? header.uid,
    gid: overrides.gid ?? header.gid,
  };
}

export function sortedXattrs(xattrs: ReadonlyMap<string, Buffer>): Xattr[] {
  if (xattrs.size === 0) return [];
  return [...xattrs.keys()].sort().map((name) => ({ name, value: xattrs.get(name)! }));
}

function decimal(key: string, text: string): number {
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value)) {
    throw invalid(`bad pax ${key} ${JSON.stringify(text)}`, 'the archive is damaged');
  }
  return value;
}

/** Decodes %XX escapes as UTF-8 bytes, leaving malformed escapes as they are. */
function decodeURIComponentBytes(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

function invalid(why: string, hint: string): HacktreeError {
  return new HacktreeError('TAR_INVALID', why, { hint });
}
