import { HacktreeError } from '../errors/HacktreeError.js';
import type { FsEntry, Xattr } from './fsEntry.js';
import { compareRepoPaths, parseCanonicalRepoPath, TOP, type RepoPath } from './repoPath.js';

/**
 * The meta record: one line per entry, sorted by path, holding what git trees cannot
 * (full mode, owner, group, xattrs, device numbers, fifos, empty directories):
 *
 *   hacktree-meta 1
 *   <path> TAB <type d|f|l|c|b|p> TAB <mode, 4 octal digits> TAB <uid> TAB <gid> TAB <extra> TAB <xattrs>
 *
 * extra is the size of a file, the target of a symlink, "major,minor" of a device, "-" otherwise;
 * xattrs is "-" or "name=hexvalue" items joined by ";". Paths, targets and names escape
 * backslash, tab, newline, CR (and "=" ";" in names) so a chmod is a one-line diff.
 */
export const META_HEADER = 'hacktree-meta 1';

type WithoutOid<T> = T extends unknown ? Omit<T, 'oid'> : never;
/** A meta line: an entry without its object id (that lives in the files tree). */
export type MetaLine = WithoutOid<FsEntry>;

const TYPE_CHAR: Record<FsEntry['kind'], string> = {
  dir: 'd', file: 'f', symlink: 'l', chardev: 'c', blockdev: 'b', fifo: 'p',
};
const KIND_OF_CHAR = Object.fromEntries(Object.entries(TYPE_CHAR).map(([k, c]) => [c, k])) as Record<
  string,
  FsEntry['kind']
>;

export function escapeField(text: string, extra = ''): string {
  let out = '';
  for (const ch of text) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (extra.includes(ch)) out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
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
    if (esc.length === 3) return String.fromCharCode(parseInt(esc.slice(1), 16));
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

/** Parses a meta record; rejects unsafe paths, unknown types and malformed lines. */
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
    const kind = KIND_OF_CHAR[typeChar];
    if (!kind) throw invalid(i + 1, `unknown entry type "${typeChar}"`);
    if (!/^[0-7]{4}$/.test(modeText)) throw invalid(i + 1, `bad mode "${modeText}"`);
    const mode = parseInt(modeText, 8);
    const uid = parseNumber(uidText, i + 1, 'uid');
    const gid = parseNumber(gidText, i + 1, 'gid');
    const xattrs = parseXattrs(xattrText, i + 1);
    const base = { path, mode, uid, gid, xattrs };
    switch (kind) {
      case 'file': out.push({ ...base, kind, size: parseNumber(extra, i + 1, 'size') }); break;
      case 'symlink': out.push({ ...base, kind, target: unescapeField(extra) }); break;
      case 'chardev':
      case 'blockdev': {
        const m = /^(\d+),(\d+)$/.exec(extra);
        if (!m) throw invalid(i + 1, `bad device numbers "${extra}"`);
        out.push({ ...base, kind, major: Number(m[1]), minor: Number(m[2]) });
        break;
      }
      default: out.push({ ...base, kind });
    }
  }
  return out;
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

function parseNumber(text: string, line: number, what: string): number {
  if (!/^\d+$/.test(text)) throw invalid(line, `bad ${what} "${text}"`);
  return Number(text);
}

function invalid(line: number, why: string): HacktreeError {
  return new HacktreeError('META_INVALID', `meta record line ${line}: ${why}`, {
    hint: 'the commit\'s meta record is damaged; run "hacktree fsck"',
    data: { line },
  });
}
