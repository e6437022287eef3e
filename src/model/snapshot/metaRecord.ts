import { HacktreeError } from '../../errors/HacktreeError.js';
import type { FsEntry, Xattr } from './fsEntry.js';
import { compareRepoPaths, parseCanonicalRepoPath, TOP } from './repoPath.js';

/**
 * The meta record: one line per entry, sorted by path, holding what git trees cannot
 * (full mode, owner, group, xattrs, device numbers, fifos, empty directories):
 *
 *   hacktree-meta 1
 *   <path> TAB <type d|f|l|c|b|p> TAB <mode, 4 octal digits> TAB <uid> TAB <gid> TAB <extra> TAB <xattrs>
 *
 * extra is the size of a file, the target of a symlink, "major,minor" of a device, "-" otherwise;
 * xattrs is "-" or "name=hexvalue" items joined by ";". Paths, targets and names escape
 * backslash, tab, newline, CR (and "=" ";" in names) so a chmod is a one-line diff, and each
 * byte that is not UTF-8 as \xNN (NN from 80 to ff; see pathBytes), so the record stays UTF-8
 * text and still holds the exact bytes.
 */
export const META_HEADER = 'hacktree-meta 1';

type WithoutOid<T> = T extends unknown ? Omit<T, 'oid'> : never;
/** A meta line: an entry without its object id (that lives in the files tree). */
export type MetaLine = WithoutOid<FsEntry>;

const TYPE_CHAR: Record<FsEntry['kind'], string> = {
  dir: 'd', file: 'f', symlink: 'l', chardev: 'c', blockdev: 'b', fifo: 'p',
};

/** What escapeField always escapes (a pair's low half matches too: the walk below tells them apart). */
const NEEDS_ESCAPE = /[\\\t\n\r\udc80-\udcff]/;

export function escapeField(text: string, extra = ''): string {
  // Almost every field needs nothing: returned as it is, without the walk (docs/decisions/0010-per-entry-code.md).
  if (!NEEDS_ESCAPE.test(text) && (extra === '' || !Array.from(extra).some((c) => text.includes(c)))) return text;
  let out = '';
  for (const ch of text) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (extra.includes(ch)) out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else if (ch.length === 1 && ch >= '\udc80' && ch <= '\udcff') out += `\\x${(ch.charCodeAt(0) - 0xdc00).toString(16)}`;
    else out += ch;
  }
  return out;
}

export function unescapeField(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\(x[0-9a-f]{2}|.)/g, (_m, esc: string) => {
    if (esc === 't') return '\t';
    if (esc === 'n') return '\n';
    if (esc === 'r') return '\r';
    if (esc.length === 3) {
      const byte = parseInt(esc.slice(1), 16);
      return String.fromCharCode(byte >= 0x80 ? 0xdc00 + byte : byte);
    }
    return esc;
  });
}

export function formatMetaLine(entry: MetaLine): string {
  const mode = (entry.mode & 0o7777).toString(8).padStart(4, '0');
  let extra = '-';
  switch (entry.kind) {
    case 'file': extra = String(entry.size); break;
    case 'symlink': extra = escapeField(entry.target); break;
    case 'chardev':
    case 'blockdev': extra = `${entry.major},${entry.minor}`; break;
  }
  const xattrs = entry.xattrs.length === 0
    ? '-'
    : entry.xattrs.map((x) => `${escapeField(x.name, '=;')}=${x.value.toString('hex')}`).join(';');
  return [escapeField(entry.path), TYPE_CHAR[entry.kind], mode, entry.uid, entry.gid, extra, xattrs].join('\t');
}

/** Serializes entries (any order) into the canonical, sorted meta record. */
export function serializeMeta(entries: readonly MetaLine[]): string {
  const sorted = [...entries].sort((a, b) => compareRepoPaths(a.path, b.path));
  const lines = [META_HEADER];
  for (const entry of sorted) lines.push(formatMetaLine(entry));
  return lines.join('\n') + '\n';
}

/**
 * Parses a meta record; rejects unsafe paths, unknown types and malformed lines. Object literals
 * and digits checked by hand, as every checkout reads one: docs/decisions/0010-per-entry-code.md.
 */
export function parseMeta(text: string): MetaLine[] {
  const lines = text.split('\n');
  if (lines[0] !== META_HEADER) throw invalid(1, `expected "${META_HEADER}"`);
  const out: MetaLine[] = [];
  let previous: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '' && i === lines.length - 1) break;
    const fields = line.split('\t');
    if (fields.length !== 7) throw invalid(i + 1, `expected 7 tab-separated fields, found ${fields.length}`);
    const [rawPath, typeChar, modeText, uidText, gidText, extra, xattrText] = fields as [
      string, string, string, string, string, string, string,
    ];
    const unescaped = unescapeField(rawPath);
    const path = unescaped === '.' ? TOP : parseCanonicalRepoPath(unescaped, `meta line ${i + 1}`);
    if (previous !== undefined && compareRepoPaths(previous, path) >= 0) throw invalid(i + 1, 'paths are not sorted');
    previous = path;
    const mode = modeText.length === 4 ? digits(modeText, 8) : -1;
    if (mode < 0) throw invalid(i + 1, `bad mode "${modeText}"`);
    const uid = number(uidText, i + 1, 'uid');
    const gid = number(gidText, i + 1, 'gid');
    const xattrs = xattrText === '-' ? [] : parseXattrs(xattrText, i + 1);
    switch (typeChar) {
      case 'f': out.push({ kind: 'file', path, mode, uid, gid, xattrs, size: number(extra, i + 1, 'size') }); break;
      case 'd': out.push({ kind: 'dir', path, mode, uid, gid, xattrs }); break;
      case 'l': out.push({ kind: 'symlink', path, mode, uid, gid, xattrs, target: unescapeField(extra) }); break;
      case 'p': out.push({ kind: 'fifo', path, mode, uid, gid, xattrs }); break;
      case 'c':
      case 'b': {
        const comma = extra.indexOf(',');
        const major = comma > 0 ? digits(extra.slice(0, comma), 10) : -1;
        const minor = comma > 0 ? digits(extra.slice(comma + 1), 10) : -1;
        if (major < 0 || minor < 0) throw invalid(i + 1, `bad device numbers "${extra}"`);
        out.push({ kind: typeChar === 'c' ? 'chardev' : 'blockdev', path, mode, uid, gid, xattrs, major, minor });
        break;
      }
      default:
        throw invalid(i + 1, `unknown entry type "${typeChar}"`);
    }
  }
  return out;
}

/** The value of a non-empty string of digits in `base` (8 or 10), or -1 for anything else. */
function digits(text: string, base: 8 | 10): number {
  if (text.length === 0 || text.length > 15) return -1;
  let value = 0;
  for (let k = 0; k < text.length; k++) {
    const d = text.charCodeAt(k) - 48;
    if (d < 0 || d >= base) return -1;
    value = value * base + d;
  }
  return value;
}

function number(text: string, line: number, what: string): number {
  const value = digits(text, 10);
  if (value < 0) throw invalid(line, `bad ${what} "${text}"`);
  return value;
}

function parseXattrs(text: string, line: number): Xattr[] {
  if (text === '-') return [];
  return text.split(';').map((item) => {
    const eq = item.indexOf('=');
    const value = item.slice(eq + 1);
    if (eq <= 0 || !/^([0-9a-f]{2})*$/.test(value)) throw invalid(line, `bad xattr "${item}"`);
    return { name: unescapeField(item.slice(0, eq)), value: Buffer.from(value, 'hex') };
  });
}

function invalid(line: number, why: string): HacktreeError {
  return new HacktreeError('META_INVALID', `meta record line ${line}: ${why}`, {
    hint: 'the commit\'s meta record is damaged; run "hacktree fsck"',
    data: { line },
  });
}
