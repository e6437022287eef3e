import { encodePathBytes, hasRawBytes } from '../../model/snapshot/pathBytes.js';
import type { GlobalArgs } from '../options/globalArgs.js';

/**
 * Prints a command's result: the JSON value with --json, else the text lines (nothing with -q
 * unless the lines are the data asked for, which the caller says with `isData`).
 */
export function printResult(
  argv: GlobalArgs,
  value: unknown,
  text: () => string | string[],
  isData = true,
): void {
  if (argv.json) {
    process.stdout.write(`${JSON.stringify(value, withExactBytes, 2)}\n`);
    return;
  }
  if (argv.quiet && !isData) return;
  const lines = text();
  const out = Array.isArray(lines) ? lines.join('\n') : lines;
  if (out !== '') process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
}

/**
 * JSON's side of pathBytes: a string holding bytes that are not UTF-8 (a path, a symlink target)
 * is written with JSON's \udcXX escapes (U+DC80 + byte: Python's surrogateescape, so
 * os.fsencode(json.loads(...)) gives the bytes back), and its object gains "<key>Bytes": the
 * exact bytes in base64, for readers that replace lone surrogates.
 */
function withExactBytes(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, field] of Object.entries(value)) {
    if (typeof field !== 'string' || !hasRawBytes(field)) continue;
    copy ??= { ...(value as Record<string, unknown>) };
    copy[`${key}Bytes`] = encodePathBytes(field).toString('base64');
  }
  return copy ?? value;
}
