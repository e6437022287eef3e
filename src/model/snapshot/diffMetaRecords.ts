import { META_HEADER, unescapeField } from './metaRecord.js';
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

/**
 * Compares two meta records line by line, without parsing them: the paths whose line differs
 * (an entry added, removed, or with another type, mode, owner, size, target, device or xattrs),
 * and how many entries `after` has. Content changes of the same size are not in the meta
 * record: the files trees tell those.
 */
export function diffMetaRecords(before: string, after: string): { changed: RepoPath[]; entries: number } {
  const beforeLines = new Map<string, string>();
  for (const line of metaLines(before)) beforeLines.set(pathField(line), line);
  const changed: RepoPath[] = [];
  const afterLines = metaLines(after);
  for (const line of afterLines) {
    const field = pathField(line);
    if (beforeLines.get(field) !== line) changed.push(unescapedPath(field));
    beforeLines.delete(field);
  }
  for (const field of beforeLines.keys()) changed.push(unescapedPath(field));
  return { changed, entries: afterLines.length };
}

/** The meta record with only the entries at `paths`: still sorted, so still a valid record. */
export function selectMetaLines(text: string, paths: ReadonlySet<string>): string {
  const kept = metaLines(text).filter((line) => paths.has(unescapedPath(pathField(line))));
  return `${[META_HEADER, ...kept].join('\n')}\n`;
}
