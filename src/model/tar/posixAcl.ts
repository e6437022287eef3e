import { HacktreeError } from '../../errors/HacktreeError.js';

/**
 * POSIX ACLs in their two forms: the text tar archives carry (`tar --acls` writes pax records
 * SCHILY.acl.access / SCHILY.acl.default, "user::rwx,user:1000:r-x,group::r-x,mask::r-x,
 * other::r-x") and the kernel's xattr value of system.posix_acl_access / _default, which is what
 * hacktree keeps (as an xattr, so checkout and fsck need nothing new): a little-endian u32
 * version 2, then 8-byte entries of u16 tag, u16 permissions, u32 id, sorted as the kernel
 * requires. Pure: text and bytes in, text and bytes out.
 */
export type AclTag = 'user_obj' | 'user' | 'group_obj' | 'group' | 'mask' | 'other';

export interface AclEntry {
  tag: AclTag;
  /** The uid or gid of a 'user' or 'group' entry; undefined for the others. */
  id?: number;
  /** rwx as 4|2|1. */
  perm: number;
}

export const ACL_ACCESS_XATTR = 'system.posix_acl_access';
export const ACL_DEFAULT_XATTR = 'system.posix_acl_default';

const VERSION = 2;
const TAG_CODE: Readonly<Record<AclTag, number>> = { user_obj: 0x01, user: 0x02, group_obj: 0x04, group: 0x08, mask: 0x10, other: 0x20 };
const TAG_OF_CODE = new Map(Object.entries(TAG_CODE).map(([tag, code]) => [code, tag as AclTag]));
const UNDEFINED_ID = 0xffffffff;

/** Resolves a user or group name in an ACL's text (tar writes names) to its id; undefined if unknown. */
export interface AclNameResolver {
  uid(name: string): number | undefined;
  gid(name: string): number | undefined;
}

/**
 * Parses the text form: entries separated by ',' or newlines, each "tag:qualifier:perms" with
 * tags user/u, group/g, mask/m, other/o; a qualifier is an id or a name (resolved by
 * `names`); bsdtar appends ":id" after the perms, which wins over the name; '#' starts a comment.
 */
export function parseAclText(text: string, names: AclNameResolver): AclEntry[] {
  const entries: AclEntry[] = [];
  for (const raw of text.split(/[,\n]/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const fields = line.split(':');
    if (fields[0] === 'default' || fields[0] === 'd') fields.shift();
    if (fields.length < 2 || fields.length > 4) throw invalid(`the ACL entry ${JSON.stringify(line)} is not tag:qualifier:permissions`);
    const [tagText, qualifier = '', permText = '', idText] = fields.length === 2 ? [fields[0]!, '', fields[1]!] : fields;
    const perm = parsePerm(permText, line);
    const named = qualifier !== '';
    switch (tagText) {
      case 'user': case 'u':
        entries.push(named ? { tag: 'user', id: qualifierId(qualifier, idText, (n) => names.uid(n), 'user', line), perm } : { tag: 'user_obj', perm });
        break;
      case 'group': case 'g':
        entries.push(named ? { tag: 'group', id: qualifierId(qualifier, idText, (n) => names.gid(n), 'group', line), perm } : { tag: 'group_obj', perm });
        break;
      case 'mask': case 'm':
        entries.push({ tag: 'mask', perm });
        break;
      case 'other': case 'o':
        entries.push({ tag: 'other', perm });
        break;
      default:
        throw invalid(`the ACL entry ${JSON.stringify(line)} has an unknown tag`);
    }
  }
  return sortAcl(entries);
}

/** The text form with numeric ids, one entry a line, as `tar --acls` writes it (ids, not names, so no host's passwd is needed). */
export function formatAclText(entries: readonly AclEntry[]): string {
  const perm = (p: number): string => `${p & 4 ? 'r' : '-'}${p & 2 ? 'w' : '-'}${p & 1 ? 'x' : '-'}`;
  const line = (e: AclEntry): string => {
    switch (e.tag) {
      case 'user_obj': return `user::${perm(e.perm)}`;
      case 'user': return `user:${e.id}:${perm(e.perm)}`;
      case 'group_obj': return `group::${perm(e.perm)}`;
      case 'group': return `group:${e.id}:${perm(e.perm)}`;
      case 'mask': return `mask::${perm(e.perm)}`;
      case 'other': return `other::${perm(e.perm)}`;
    }
  };
  return entries.map((e) => `${line(e)}\n`).join('');
}

/** The kernel's xattr value for `entries` (sorted here; the kernel refuses any other order). */
export function encodeAclXattr(entries: readonly AclEntry[]): Buffer {
  const sorted = sortAcl(entries);
  const out = Buffer.alloc(4 + 8 * sorted.length);
  out.writeUInt32LE(VERSION, 0);
  sorted.forEach((e, i) => {
    out.writeUInt16LE(TAG_CODE[e.tag], 4 + 8 * i);
    out.writeUInt16LE(e.perm, 6 + 8 * i);
    out.writeUInt32LE(e.id ?? UNDEFINED_ID, 8 + 8 * i);
  });
  return out;
}

export function decodeAclXattr(value: Buffer): AclEntry[] {
  if (value.length < 4 || (value.length - 4) % 8 !== 0 || value.readUInt32LE(0) !== VERSION) {
    throw invalid(`a POSIX ACL xattr of ${value.length} bytes is not version 2 followed by 8-byte entries`);
  }
  const entries: AclEntry[] = [];
  for (let at = 4; at < value.length; at += 8) {
    const tag = TAG_OF_CODE.get(value.readUInt16LE(at));
    if (tag === undefined) throw invalid(`a POSIX ACL xattr has an unknown tag 0x${value.readUInt16LE(at).toString(16)}`);
    const perm = value.readUInt16LE(at + 2);
    entries.push(tag === 'user' || tag === 'group' ? { tag, id: value.readUInt32LE(at + 4), perm } : { tag, perm });
  }
  return entries;
}

/**
 * An access ACL of only user::, group:: and other:: says no more than the mode bits: the kernel
 * stores no xattr for it (and `tar --acls` writes one for every file), so it is not kept.
 */
export function isMinimalAcl(entries: readonly AclEntry[]): boolean {
  return entries.every((e) => e.tag === 'user_obj' || e.tag === 'group_obj' || e.tag === 'other');
}

function sortAcl(entries: readonly AclEntry[]): AclEntry[] {
  return [...entries].sort((a, b) => TAG_CODE[a.tag] - TAG_CODE[b.tag] || (a.id ?? 0) - (b.id ?? 0));
}

function parsePerm(text: string, line: string): number {
  if (!/^[rwx-]{1,3}$/.test(text) && !/^[0-7]$/.test(text)) throw invalid(`the ACL entry ${JSON.stringify(line)} has bad permissions`);
  if (/^[0-7]$/.test(text)) return Number(text);
  return (text.includes('r') ? 4 : 0) | (text.includes('w') ? 2 : 0) | (text.includes('x') ? 1 : 0);
}

function qualifierId(qualifier: string, idText: string | undefined, lookUp: (name: string) => number | undefined, what: string, line: string): number {
  const numeric = idText ?? (/^[0-9]+$/.test(qualifier) ? qualifier : undefined);
  if (numeric !== undefined) {
    const id = Number(numeric);
    if (!/^[0-9]+$/.test(numeric) || id >= UNDEFINED_ID) throw invalid(`the ACL entry ${JSON.stringify(line)} has a bad ${what} id`);
    return id;
  }
  const id = lookUp(qualifier);
  if (id === undefined) {
    throw new HacktreeError('TAR_INVALID', `the ACL entry ${JSON.stringify(line)} names ${what} ${JSON.stringify(qualifier)}, which this machine does not know`, {
      hint: `add the ${what} to this machine (GNU tar resolves ACL names the same way), or recreate the archive with bsdtar (it records ids beside names) or with tar --acls --xattrs (it adds the ACL in binary, with ids)`,
    });
  }
  return id;
}

function invalid(why: string): HacktreeError {
  return new HacktreeError('TAR_INVALID', why, { hint: 'the archive\'s ACL records are damaged' });
}

/**
 * The mode an entry ends up with once its access ACL is set: the kernel makes the owner bits
 * user::, the group bits mask:: (group:: when there is no mask) and the other bits other::, as
 * GNU tar's extraction shows (it sets the mode, then the ACL). Archives may disagree (bsdtar
 * writes the group:: bits); the snapshot must hold what the checkout will have.
 */
export function modeUnderAcl(mode: number, xattrs: readonly { name: string; value: Buffer }[]): number {
  const access = xattrs.find((x) => x.name === ACL_ACCESS_XATTR);
  if (!access) return mode;
  const entries = decodeAclXattr(access.value);
  const perm = (tag: AclTag): number | undefined => entries.find((e) => e.tag === tag)?.perm;
  const user = perm('user_obj');
  const group = perm('mask') ?? perm('group_obj');
  const other = perm('other');
  if (user === undefined || group === undefined || other === undefined) {
    throw invalid('a POSIX access ACL lacks its user::, group:: or other:: entry');
  }
  return (mode & ~0o777) | ((user & 7) << 6) | ((group & 7) << 3) | (other & 7);
}
