import type { RawRepair } from '../../store/raw/ensureSoundRaw.js';
import type { GlobalArgs } from '../options/globalArgs.js';

/** Prints each damaged raw cache entry a checkout rewrote, as a warning (not with -q). */
export function rawRepairWarning(argv: GlobalArgs): (repair: RawRepair) => void {
  return (repair) => {
    if (!argv.quiet) process.stderr.write(`hacktree: warning: raw cache entry ${repair.path} was damaged (${repair.detail}); rewritten from git before the checkout used it\n`);
  };
}
