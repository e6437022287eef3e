import type { GlobalArgs } from './globalArgs.js';

/**
 * `hacktree root status [NAME] [--prefix P] [--json] [-q]`, recognised without yargs: loading
 * yargs costs ~100 ms of the 0.3 s that status (what monitoring polls) may take. Any other form,
 * --help included, returns null and goes through yargs as usual.
 */
export function parseQuickRootStatus(args: readonly string[]): (() => Promise<void>) | null {
  let name: string | undefined;
  let prefix: string | undefined;
  let json = false;
  let quiet = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') json = true;
    else if (arg === '-q' || arg === '--quiet') quiet = true;
    else if ((arg === '--prefix' || arg === '--repo') && i + 1 < args.length && !args[i + 1]!.startsWith('-')) {
      if (arg === '--prefix') prefix = args[i + 1];
      i++;
    } else if (arg.startsWith('--prefix=')) prefix = arg.slice('--prefix='.length);
    else if (!arg.startsWith('-') && name === undefined) name = arg;
    else return null;
  }
  return async () => {
    const { printRootStatus } = await import('./commands/rootStatus.js');
    const argv: GlobalArgs & { name?: string; prefix?: string } = { repo: '', json, quiet, verbose: false, name, prefix };
    await printRootStatus(argv);
  };
}
