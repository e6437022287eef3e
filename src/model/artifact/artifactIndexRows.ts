/** One row of the artifact index: a tarball's stat facts when it was hashed, and its sha256. */
export type ArtifactIndexRow = { key: string; sha256: string };

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The rows of an artifact index file by absolute tarball path, or null when it is not a JSON
 * object of such rows (torn, damaged or hand-edited). Checked by hand like the stat cache: a
 * cache read by every compose does not load a schema validator for one object of rows.
 */
export function parseArtifactIndexRows(text: string): Map<string, ArtifactIndexRow> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    if (err instanceof SyntaxError) return null;
    throw err;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const rows = new Map<string, ArtifactIndexRow>();
  for (const [path, row] of Object.entries(value)) {
    if (!path.startsWith('/') || typeof row !== 'object' || row === null) return null;
    const { key, sha256 } = row as Partial<ArtifactIndexRow>;
    if (typeof key !== 'string' || typeof sha256 !== 'string' || !SHA256.test(sha256)) return null;
    rows.set(path, { key, sha256 });
  }
  return rows;
}
