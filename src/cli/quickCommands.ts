import { DEFAULT_REPO, type GlobalArgs } from './options/globalArgs.js';

/**
 * The commands people and machines run most (`root status`, `checkout`, `root commit`),
 * recognised without yargs, whose loading is a large part of their time budgets
 * (docs/decisions/0013-start-up-time.md). Only the plain forms are taken here: any other option,
 * --help included, makes this return null, and yargs parses as usual.
 */
export function parseQuickCommand(args: readonly string[]): (() => Promise<void>) | null {
  if (args[0] === 'root' && args[1] === 'status') {
    const parsed = parseQuickArgs(args.slice(2), { flags: ['--json', '--quiet'], valued: ['--prefix', '--repo'] });
    if (parsed === null || parsed.positionals.length > 1) return null;
    return async () => {
      const { printRootStatus } = await import('./commands/root/rootStatus.js');
      await printRootStatus({ ...globalArgs(parsed), name: parsed.positionals[0], prefix: parsed.values.get('--prefix') });
    };
  }
  if (args[0] === 'checkout') {
    const parsed = parseQuickArgs(args.slice(1), { flags: ['--json', '--quiet', '--copy'], valued: ['--repo'] });
    if (parsed === null || parsed.positionals.length !== 2) return null;
    return async () => {
      const { printCheckout } = await import('./commands/repository/checkout.js');
      await printCheckout({ ...globalArgs(parsed), ref: parsed.positionals[0]!, dest: parsed.positionals[1]!, copy: parsed.flags.has('--copy') });
    };
  }
  if (args[0] === 'root' && args[1] === 'commit') {
    const parsed = parseQuickArgs(args.slice(2), { flags: ['--json', '--quiet', '--union'], valued: ['--repo', '--message', '--sign'], lists: ['--tree'] });
    const trees = parsed?.lists.get('--tree');
    if (parsed === null || parsed.positionals.length !== 1 || trees === undefined) return null;
    return async () => {
      const { printRootCommit } = await import('./commands/root/rootCommit.js');
      await printRootCommit({
        ...globalArgs(parsed),
        branch: parsed.positionals[0]!,
        tree: trees,
        message: parsed.values.get('--message'),
        sign: parsed.values.get('--sign'),
        union: parsed.flags.has('--union'),
      });
    };
  }
  return null;
}

interface QuickArgs {
  positionals: string[];
  flags: Set<string>;
  values: Map<string, string>;
  lists: Map<string, string[]>;
}

const ALIASES: Record<string, string> = { '-q': '--quiet', '-m': '--message' };

/**
 * The plain forms only: null for anything yargs might read otherwise. A value that starts with
 * "-", a valued option given twice, and a list option (yargs' array type, which takes every
 * value up to the next option) not followed by another option or the end all go to yargs.
 */
function parseQuickArgs(args: readonly string[], spec: { flags: string[]; valued: string[]; lists?: string[] }): QuickArgs | null {
  const out: QuickArgs = { positionals: [], flags: new Set(), values: new Map(), lists: new Map() };
  for (let i = 0; i < args.length; i++) {
    const arg = ALIASES[args[i]!] ?? args[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    let value: string | undefined;
    if (spec.flags.includes(arg)) {
      out.flags.add(arg);
      continue;
    }
    if (!arg.startsWith('-')) {
      out.positionals.push(arg);
      continue;
    }
    if (eq > 0) value = arg.slice(eq + 1);
    else if (i + 1 < args.length && !args[i + 1]!.startsWith('-')) value = args[++i]!;
    if (value === undefined) return null;
    if (spec.valued.includes(name) && !out.values.has(name)) {
      out.values.set(name, value);
    } else if (spec.lists?.includes(name) && (i + 1 === args.length || args[i + 1]!.startsWith('-'))) {
      out.lists.set(name, [...(out.lists.get(name) ?? []), value]);
    } else {
      return null;
    }
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
