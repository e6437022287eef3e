/**
 * The paths the last sync of a local build's sources copied into its kept work directory
 * (WORKDIR/.hacktree-sources.json, a JSON array), or null when the file is not such an array
 * (torn, damaged or hand-edited). The next sync removes the listed paths the source no longer
 * has, so each must stay below the work directory: relative, with no "", "." or ".." part.
 */
export function parseLocalSourcesRecord(text: string): string[] | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    if (err instanceof SyntaxError) return null;
    throw err;
  }
  if (!Array.isArray(value)) return null;
  for (const path of value as unknown[]) {
    if (typeof path !== 'string' || path.includes('\0') || path.split('/').some((part) => part === '' || part === '.' || part === '..')) return null;
  }
  return value as string[];
}
