/**
 * JSON text's value, or undefined when the text is not JSON (no JSON text parses to undefined):
 * for the caches and records whose readers treat a torn or damaged file as absent.
 */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}
