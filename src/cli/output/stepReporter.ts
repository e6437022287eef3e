import type { GlobalArgs } from '../options/globalArgs.js';

/** Says each step of a long build on stderr when it is a terminal (or with -v); nothing in pipes. */
export function stepReporter(argv: GlobalArgs): ((step: string) => void) | undefined {
  if (argv.quiet || argv.json || !(process.stderr.isTTY || argv.verbose)) return undefined;
  return (step) => process.stderr.write(`${step}\n`);
}
