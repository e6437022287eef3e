import { DEFAULT_REPO, type GlobalArgs } from './globalArgs.js';

/**
 * The commands people and machines run most, recognised without yargs: loading yargs costs
 * ~100 ms, a third of the 0.3 s `root status` (what monitoring polls) may take and a sixth of
 * a W1 `checkout` (whose target is 1.5x `cp -al`'s ~0.35 s). Only the plain forms are taken
 * here: any other option, --help included, makes this return null, and yargs parses as usual.
 */
export function parseQuickCommand(args: readonly string[]): (() => Promise<void>) | null {
  if (args[0] === 'root' && args[1] === 'status') {
    const parsed = parseQuickArgs(args.slice(2), { flags: ['--json', '--quiet'], valued: ['--prefix', '--repo'] });
    if (parsed === null || parsed.positionals.length > 1) return null;
    return async () => {
      const { printRootStatus } = await import('./commands/rootStatus.js');
      await printRootStatus({ ...globalArgs(parsed), name: parsed.positionals[0], prefix: parsed.values.get('--prefix') });
    };
  }
  if (args[0] === 'checkout') {
    const parsed = parseQuickArgs(args.slice(1), { flags: ['--json', '--quiet', '--copy'], valued: ['--repo'] });
    if (parsed === null || parsed.positionals.length !== 2) return null;
    return async () => {
      const { printCheckout } = await import('./commands/checkout.js');
      await printCheckout({ ...globalArgs(parsed), ref: parsed.positionals[0]!, dest: parsed.positionals[1]!, copy: parsed.flags.has('--copy') });
    };
  }
  return null;
}

interface QuickArgs {
  positionals: string[];
  flags: Set<string>;
  values: Map<string, string>;
}

function parseQuickArgs(args: readonly string[], spec: { flags: string[]; valued: string[] }): QuickArgs | null {
  const out: QuickArgs = { positionals: [], flags: new Set(), values: new Map() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] === '-q' ? '--quiet' : args[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (spec.flags.includes(arg)) out.flags.add(arg);
    else if (spec.valued.includes(name) && eq > 0) out.values.set(name, arg.slice(eq + 1));
    else if (spec.valued.includes(arg) && i + 1 < args.length && !args[i + 1]!.startsWith('-')) out.values.set(arg, args[++i]!);
    else if (!arg.startsWith('-')) out.positionals.push(arg);
    else return null;
  }
  return out;
}

function globalArgs(parsed: QuickArgs): GlobalArgs {
  return {
    repo: parsed.values.get('--repo') ?? process.env.HACKTREE_REPO ?? DEFAULT_REPO,
    json: parsed.flags.has('--json'),
    quiet: parsed.flags.has('--quiet'),
    verbose: false,
  };
}
