import { isOid, type Oid } from './oid.js';

/** Parses git's packed-refs file: "<oid> <ref>" lines, "^<oid>" peeled lines and "#" comments. */
export function parsePackedRefs(text: string): Map<string, Oid> {
  const out = new Map<string, Oid>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('^')) continue;
    const space = line.indexOf(' ');
    const oid = line.slice(0, space);
    if (space === 40 && isOid(oid)) out.set(line.slice(space + 1), oid);
  }
  return out;
}
