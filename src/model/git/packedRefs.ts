import { isOid, type Oid } from './oid.js';
import { quoteStart } from './refFile.js';

/** A packed-refs line hacktree cannot read, with the ref it names when that much can be told. */
export interface BadPackedRefLine {
  /** 1-based line number. */
  line: number;
  ref: string | null;
  detail: string;
}

/**
 * Parses git's packed-refs file: "<oid> <ref>" lines, "^<oid>" peeled lines and "#" comments.
 * Any other line is reported, never skipped: it may be the only record of a ref's commit.
 */
export function parsePackedRefs(text: string): { refs: Map<string, Oid>; bad: BadPackedRefLine[] } {
  const refs = new Map<string, Oid>();
  const bad: BadPackedRefLine[] = [];
  text.split('\n').forEach((line, index) => {
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('^')) {
      if (!isOid(line.slice(1))) bad.push({ line: index + 1, ref: null, detail: `peeled line ${quoteStart(line)} does not hold a 40-digit id` });
      return;
    }
    const space = line.indexOf(' ');
    const oid = line.slice(0, space);
    const ref = space > 0 ? line.slice(space + 1) : '';
    if (space === 40 && isOid(oid) && ref.startsWith('refs/') && !/\s/.test(ref)) refs.set(ref, oid);
    else bad.push({ line: index + 1, ref: /^refs\/\S+$/.test(ref) ? ref : null, detail: `${quoteStart(line)} is not "<40-digit id> <ref>"` });
  });
  return { refs, bad };
}
