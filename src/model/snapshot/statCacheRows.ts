import { isOid, type Oid } from '../git/oid.js';

/** A stat cache's rows by path: the stat key a file had when its content was stored as `oid`. */
export type StatCacheRows = Map<string, { key: string; oid: Oid }>;

/**
 * The rows of a stat cache file (a JSON array of [path, key, oid]), or null when it is not one
 * (torn, damaged or hand-edited). Checked by hand in the one pass that builds the map, not with
 * a JSON Schema: the file is read on every commit of a directory, and loading ajv and compiling
 * a schema (~50-100 ms per process) would cost far more than these checks (~1-5 ms for W1's
 * 13.5k rows, most of it the JIT's first pass).
 */
export function parseStatCacheRows(text: string): StatCacheRows | null {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch (err) {
    if (err instanceof SyntaxError) return null;
    throw err;
  }
  if (!Array.isArray(rows)) return null;
  const map: StatCacheRows = new Map();
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i];
    if (!Array.isArray(row) || row.length !== 3) return null;
    const path: unknown = row[0];
    const key: unknown = row[1];
    const oid: unknown = row[2];
    if (typeof path !== 'string' || typeof key !== 'string' || typeof oid !== 'string' || !isOid(oid)) return null;
    map.set(path, { key, oid });
  }
  return map;
}
