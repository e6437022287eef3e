import { escapeField, META_HEADER, unescapeField } from './metaRecord.js';
import { TOP, type RepoPath } from './repoPath.js';

/** The lines of a meta record after its header, keyed by their (escaped) path field. */
function metaLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines[0] === META_HEADER ? lines.slice(1) : lines;
}

function pathField(line: string): string {
  const tab = line.indexOf('\t');
  return tab < 0 ? line : line.slice(0, tab);
}

function unescapedPath(field: string): RepoPath {
  return (field === '.' ? TOP : unescapeField(field)) as RepoPath;
}

/** How many characters two strings share at their start, found by halving (each test a native comparison). */
function commonPrefixLength(a: string, b: string): number {
  let low = 0;
  let high = Math.min(a.length, b.length);
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (a.slice(low, mid) === b.slice(low, mid)) low = mid;
    else high = mid - 1;
  }
  return low;
}

function commonSuffixLength(a: string, b: string, limit: number): number {
  let low = 0;
  let high = Math.min(limit, a.length, b.length);
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (a.slice(a.length - mid, a.length - low) === b.slice(b.length - mid, b.length - low)) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** How many entries a meta record holds: its lines less the header. */
function countEntries(text: string): number {
  let lines = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
  if (text.length > 0 && !text.endsWith('\n')) lines++;
  return text.startsWith(`${META_HEADER}\n`) || text === META_HEADER ? lines - 1 : lines;
}

/**
 * Compares two meta records line by line, without parsing them: the paths whose line differs
 * (an entry added, removed, or with another type, mode, owner, size, target, device or xattrs),
 * and how many entries `after` has. Content changes of the same size are not in the meta
 * record: the files trees tell those. Two records of one root differ in a few places: the lines
 * both start and end with are passed over whole, by comparing the texts, and only those between
 * are split and compared (the cost follows the change, not the root, where the changes are near
 * each other, as a local artifact's are).
 */
export function diffMetaRecords(before: string, after: string): { changed: RepoPath[]; entries: number } {
  // Cut at line starts: after the last newline of the common head, the first of the common tail.
  const same = commonPrefixLength(before, after);
  const head = same === 0 ? 0 : before.lastIndexOf('\n', same - 1) + 1;
  const tailChars = commonSuffixLength(before, after, Math.min(before.length, after.length) - head);
  const tailNewline = before.indexOf('\n', before.length - tailChars);
  const tail = tailChars === 0 || tailNewline < 0 ? 0 : before.length - tailNewline - 1;
  const beforeLines = new Map<string, string>();
  for (const line of metaLines(before.slice(head, before.length - tail))) beforeLines.set(pathField(line), line);
  const changed: RepoPath[] = [];
  for (const line of metaLines(after.slice(head, after.length - tail))) {
    const field = pathField(line);
    if (beforeLines.get(field) !== line) changed.push(unescapedPath(field));
    beforeLines.delete(field);
  }
  for (const field of beforeLines.keys()) changed.push(unescapedPath(field));
  return { changed, entries: countEntries(after) };
}

/** The meta record with only the entries at `paths`: still sorted, so still a valid record. */
export function selectMetaLines(text: string, paths: ReadonlySet<string>): string {
  // The few paths wanted are escaped, rather than every line's path unescaped.
  const fields = new Set<string>();
  for (const path of paths) fields.add(escapeField(path));
  const kept = [META_HEADER];
  const header = text.startsWith(`${META_HEADER}\n`) || text === META_HEADER;
  for (let start = header ? META_HEADER.length + 1 : 0; start < text.length; ) {
    const end = text.indexOf('\n', start);
    const lineEnd = end < 0 ? text.length : end;
    const tab = text.indexOf('\t', start);
    if (fields.has(text.slice(start, tab < 0 || tab > lineEnd ? lineEnd : tab))) kept.push(text.slice(start, lineEnd));
    start = lineEnd + 1;
  }
  return `${kept.join('\n')}\n`;
}
