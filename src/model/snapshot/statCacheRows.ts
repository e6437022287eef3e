import { isOid, type Oid } from '../git/oid.js';

/** One row of a stat cache file: a path, its stat key, the blob its content was stored as. */
export type StatCacheRow = [path: string, key: string, oid: Oid];

/**
 * The rows of a stat cache file, or null when it is not a JSON array of such rows (torn,
 * damaged or hand-edited). Checked by hand, not with a JSON Schema: the file is read on every
 * commit of a directory, and loading ajv and compiling a schema (~50-100 ms per process) would
 * cost more than the ~5 ms of JSON.parse and these checks for W1's 13.5k rows.
 */
export function parseStatCacheRows(text: string): StatCacheRow[] | null {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch (err) {
    if (err instanceof SyntaxError) return null;
    throw err;
  }
  if (!Array.isArray(rows)) return null;
  for (const row of rows as unknown[]) {
    if (!Array.isArray(row) || row.length !== 3) return null;
    const [path, key, oid] = row as unknown[];
    if (typeof path !== 'string' || typeof key !== 'string' || typeof oid !== 'string' || !isOid(oid)) return null;
  }
  return rows as StatCacheRow[];
}
