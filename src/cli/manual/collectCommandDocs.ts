import type { CommandModule, Options, PositionalOptions } from 'yargs';
import type { ArgumentDoc, CommandDoc, ExampleDoc } from './commandDoc.js';

type AnyCommand = CommandModule<any, any>;

/**
 * What yargs adds itself (main.ts: .help().alias('h', 'help'), .version()), in yargs' words: --help
 * lists them with the global options.
 */
const BUILT_IN_OPTIONS: ArgumentDoc[] = [
  { name: 'version', aliases: [], type: 'boolean', array: false, describe: 'Show version number', choices: [], required: false },
  { name: 'help', aliases: ['h'], type: 'boolean', array: false, describe: 'Show help', choices: [], required: false },
];

/**
 * Builder calls that change what a command accepts or does, but nothing its --help shows
 * (`global(keys, false)` keeps a command's options from its subcommands, which the pages already do).
 */
const SILENT_CALLS = new Set(['demandCommand', 'check', 'conflicts', 'implies', 'coerce', 'middleware', 'strict', 'strictOptions', 'strictCommands', 'global']);

/**
 * The command tree --help describes, read from the same CommandModules main.ts gives yargs: each
 * builder runs against a recorder that keeps the positionals, options, examples, epilogues and
 * subcommands it declares. A builder call the recorder does not know throws, so a new kind of
 * declaration fails the build rather than going missing from the man pages and completions.
 */
export function collectCommandDocs(options: {
  usage: string;
  globalOptions: Record<string, Options>;
  commands: readonly AnyCommand[];
}): CommandDoc {
  const [, ...description] = options.usage.split('\n');
  return {
    path: [],
    command: 'hacktree <command>',
    describe: spellProgram(description.join('\n').trim()),
    positionals: [],
    options: [...Object.entries(options.globalOptions).map(([name, o]) => optionDoc(name, o)), ...BUILT_IN_OPTIONS],
    examples: [],
    epilogues: [],
    subcommands: options.commands.flatMap((c) => commandDocs([], c)),
    withoutGlobals: [],
  };
}

/** The command's doc; none for a hidden one (`describe: false`), which --help leaves out too. */
function commandDocs(parent: string[], module: AnyCommand): CommandDoc[] {
  if (module.describe === false) return [];
  const command = Array.isArray(module.command) ? module.command[0] : module.command;
  if (typeof command !== 'string' || typeof module.describe !== 'string') {
    throw new Error(`a command module without a command string or describe text under "${parent.join(' ')}"`);
  }
  // --help shows these as [aliases: ...] and [deprecated]; the pages and completions would need them too.
  if (module.aliases !== undefined || Array.isArray(module.command) || module.deprecated !== undefined) {
    throw new Error(`"${[...parent, command].join(' ')}" has aliases or is deprecated, which src/cli/manual/collectCommandDocs.ts does not read: teach it`);
  }
  const [name, ...words] = command.trim().split(/\s+/);
  const doc: CommandDoc = {
    path: [...parent, name!],
    command: command.trim(),
    describe: spellProgram(module.describe),
    positionals: words.map(positionalFromCommandString),
    options: [],
    examples: [],
    epilogues: [],
    subcommands: [],
    withoutGlobals: [],
  };
  recordBuilder(doc, module.builder);
  return [doc];
}

/** `<name>`, `[name]`, `<roots..>`: required or not, one value or many (yargs' default for many: []). */
function positionalFromCommandString(word: string): ArgumentDoc {
  const [name = word, ...aliases] = word.replace(/^[<[]|[\]>]$/g, '').replace(/\.\.$/, '').split('|');
  const array = word.includes('..');
  return { name, aliases, array, describe: '', ...(array ? { defaultText: '[]' } : {}), choices: [], required: word.startsWith('<') };
}

function recordBuilder(doc: CommandDoc, builder: AnyCommand['builder']): void {
  if (builder === undefined) return;
  if (typeof builder !== 'function') {
    for (const [name, o] of Object.entries(builder)) doc.options.push(optionDoc(name, o as Options));
    return;
  }
  const calls: Record<string, (...args: any[]) => void> = {
    positional: (name: string, o: PositionalOptions) => {
      const known = doc.positionals.find((p) => p.name === name);
      if (known === undefined) throw new Error(`"${doc.path.join(' ')}" declares positional ${name}, which its command string "${doc.command}" does not name`);
      const declared = optionDoc(name, o);
      Object.assign(known, {
        ...declared,
        aliases: known.aliases,
        array: known.array || declared.array,
        required: known.required || declared.required,
        ...(declared.defaultText === undefined && known.defaultText !== undefined ? { defaultText: known.defaultText } : {}),
      });
    },
    option: (name: string | Record<string, Options>, o?: Options) => addOptions(doc, name, o),
    options: (name: string | Record<string, Options>, o?: Options) => addOptions(doc, name, o),
    example: (command: string | Array<[string, string?]>, description?: string) => {
      const pairs = Array.isArray(command) ? command : [[command, description] as const];
      for (const [c, d] of pairs) doc.examples.push({ command: spellProgram(c), description: spellProgram(d ?? '') } satisfies ExampleDoc);
    },
    version: (enabled: unknown) => {
      if (enabled !== false) throw new Error(`"${doc.path.join(' ')}" calls yargs .version(${String(enabled)}): only .version(false) is read`);
      doc.withoutGlobals.push('version');
    },
    epilog: (text: string) => doc.epilogues.push(spellProgram(text)),
    epilogue: (text: string) => doc.epilogues.push(spellProgram(text)),
    command: (module: AnyCommand | string, describe?: string, sub?: AnyCommand['builder']) => {
      doc.subcommands.push(...commandDocs(doc.path, typeof module === 'string' ? { command: module, describe: describe as string, builder: sub, handler: () => {} } : module));
    },
  };
  const recorder: object = new Proxy({}, {
    get: (_target, method) => {
      if (typeof method !== 'string') return undefined;
      const call = calls[method];
      if (call === undefined && !SILENT_CALLS.has(method)) {
        throw new Error(`"${doc.path.join(' ')}" calls yargs .${method}(), which src/cli/manual/collectCommandDocs.ts does not read: teach it what --help shows of it`);
      }
      return (...args: unknown[]) => {
        call?.(...args);
        return recorder;
      };
    },
  });
  builder(recorder as never);
}

function addOptions(doc: CommandDoc, name: string | Record<string, Options>, o: Options | undefined): void {
  const entries = typeof name === 'string' ? [[name, o ?? {}] as const] : Object.entries(name);
  for (const [n, opt] of entries) if (opt.hidden !== true) doc.options.push(optionDoc(n, opt));
}

function optionDoc(name: string, o: Options | PositionalOptions): ArgumentDoc {
  if ((o as Options).deprecated !== undefined) throw new Error(`option ${name} is deprecated, which --help shows and src/cli/manual/collectCommandDocs.ts does not read: teach it`);
  const aliases = o.alias === undefined ? [] : Array.isArray(o.alias) ? o.alias : [o.alias];
  const describe = (o as Options).describe ?? (o as Options).description ?? (o as Options).desc;
  const defaultText = (o as Options).defaultDescription ?? (o.default === undefined ? undefined : JSON.stringify(o.default));
  return {
    name,
    aliases: aliases.map(String),
    ...(o.type === undefined ? {} : { type: o.type }),
    array: o.array === true,
    describe: spellProgram(typeof describe === 'string' ? describe : ''),
    ...(defaultText === undefined ? {} : { defaultText }),
    choices: o.choices === undefined ? [] : [...(o.choices as ReadonlyArray<string | number>)].map(String),
    required: (o as Options).demandOption === true || typeof (o as Options).demandOption === 'string',
  };
}

/** yargs writes `$0` for the program's name. */
function spellProgram(text: string): string {
  return text.replaceAll('$0', 'hacktree');
}
