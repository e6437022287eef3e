/** One option or positional as its yargs definition describes it: what --help shows of it. */
export interface ArgumentDoc {
  name: string;
  /** Other names (-v for --verbose, --workspace for -C). */
  aliases: string[];
  /** yargs' type (string, number, boolean); of each value when array. */
  type?: string;
  array: boolean;
  describe: string;
  /** What --help prints as the default: defaultDescription, else the default value as JSON; none when undefined. */
  defaultText?: string;
  choices: string[];
  required: boolean;
}

export interface ExampleDoc {
  command: string;
  description: string;
}

/** A command (or command group) as its CommandModule defines it, `$0` spelt `hacktree`. */
export interface CommandDoc {
  /** The words that run it: ['root', 'checkout']; [] for hacktree itself. */
  path: string[];
  /** yargs' command string, e.g. `checkout <name>` or `root <command>`. */
  command: string;
  describe: string;
  positionals: ArgumentDoc[];
  options: ArgumentDoc[];
  examples: ExampleDoc[];
  epilogues: string[];
  subcommands: CommandDoc[];
  /** Global options this command does without (`.version(false)`: artifact pack has its own --version). */
  withoutGlobals: string[];
}

/** `hacktree root checkout`: the words a user types, for synopses and file names. */
export function commandLine(doc: CommandDoc): string {
  return ['hacktree', ...doc.path].join(' ');
}

/** The command's own words after its name, as --help's usage line shows them: `<name> [command..]`. */
export function commandArguments(doc: CommandDoc): string {
  return doc.command.split(/\s+/).slice(1).join(' ');
}

/** The global options a command accepts: the program's, less those it does without. */
export function globalOptionsOf(doc: CommandDoc, program: CommandDoc): ArgumentDoc[] {
  return program.options.filter((o) => !doc.withoutGlobals.includes(o.name));
}
