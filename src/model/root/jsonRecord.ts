/**
 * A definition file's text as a JSON object holding only the keys it may have; anything else is
 * what `invalid` makes of the reason.
 */
export function parseJsonRecord(text: string, keys: readonly string[], invalid: (why: string) => Error): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw invalid(`it is not valid JSON (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('expected a JSON object');
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!keys.includes(key)) throw invalid(`unknown key "${key}"`);
  return record;
}
