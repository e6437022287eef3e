import type { GlobalArgs } from './globalArgs.js';

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
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  if (argv.quiet && !isData) return;
  const lines = text();
  const out = Array.isArray(lines) ? lines.join('\n') : lines;
  if (out !== '') process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
}
