import type { Argv, CommandModule, InferredOptionType, Options, PositionalOptions } from 'yargs';
import type { GlobalArgs } from '../options/globalArgs.js';
import { printResult } from '../output/output.js';
import { progressBar, type ProgressReporter } from '../output/progressBar.js';
import { stepReporter } from '../output/stepReporter.js';
import type { DaemonRoute } from '../daemon/daemonProtocol.js';
import { usesDaemon } from '../daemon/usesDaemon.js';

type Inferred<O> = { -readonly [K in keyof O]: O[K] extends Options | PositionalOptions ? InferredOptionType<O[K]> : never };

/** A command's parsed arguments: the global options plus the types its positionals and options declare. */
export type CommandArgs<P, O> = GlobalArgs & Inferred<P> & Inferred<O>;

/** How a command tells the user how its work goes, each quiet where the user should not see it. */
export interface CommandUi {
  /** A progress bar on stderr when it is a terminal; undefined in a pipe, with -q or --json. */
  progress: ProgressReporter | undefined;
  /** Each step of a long build on stderr when it is a terminal (or with -v); undefined in a pipe. */
  step: ((step: string) => void) | undefined;
  /** Output of what the command runs (scripts, git), passed on to stderr when it is a terminal; undefined in a pipe, with -q or --json. */
  live: ((text: string | Uint8Array) => void) | undefined;
  /** A line on stderr; nothing with -q. */
  note(line: string): void;
  /** `hacktree: warning: MESSAGE` on stderr; nothing with -q. */
  warn(message: string): void;
  /** The --prefix option where the command takes it, resolved (HACKTREE_PREFIX, the config file, /opt/hacktree). */
  prefix(): Promise<string>;
}

/**
 * What a command is: its usage, the arguments it takes, and `run`, which does the work through
 * the library and returns what it found or did. The skeleton prints that (JSON with --json,
 * else `text`), so a command file holds only what is its own.
 */
export interface CommandDefinition<P, O, T> {
  command: string;
  describe: string;
  positionals?: P;
  options?: O;
  /** What yargs is told beyond positionals and options (a check, giving --version away), before the options. */
  extend?: (y: Argv<GlobalArgs>) => Argv<GlobalArgs>;
  examples?: Array<[command: string, description: string]>;
  /**
   * data (the default): the text is what was asked for and prints with -q too; summary: the text
   * says what was done, and -q silences it; none: nothing is printed, not even with --json.
   */
  output?: 'data' | 'summary' | 'none';
  run: (args: CommandArgs<P, O>, ui: CommandUi) => Promise<T>;
  /** The value --json prints, when it is not `run`'s result itself. */
  json?: (data: T, args: CommandArgs<P, O>) => unknown;
  /** The text lines printed without --json; bytes are written as they are. */
  text?: (data: T, args: CommandArgs<P, O>) => string | string[] | Uint8Array | Promise<string | string[]>;
  /**
   * An error when the result is a failure: its text is printed even with -q (with --json the
   * error's data carries the result), then the command fails with that error.
   */
  failure?: (data: T) => Error | undefined | Promise<Error | undefined>;
  /** The exit status the result gives (a command run in a root exits with its status). */
  exitCode?: (data: T) => number;
  /**
   * The daemon's operation that runs this command: a user who is not root (or anyone, with
   * HACKTREE_DAEMON=1) sends the arguments there when its socket exists (usesDaemon), and `run`
   * happens in the daemon; the result comes back and prints here as if run here.
   */
  daemon?: DaemonRoute;
}

/** What the daemon needs of a command: its arguments' declarations, its route, and `run`. */
export interface DaemonCommand {
  definition: {
    positionals?: Record<string, PositionalOptions>;
    options?: Record<string, Options>;
    daemon?: DaemonRoute;
    run: (args: never, ui: CommandUi) => Promise<unknown>;
  };
}

/** A command module for yargs whose handler, called with parsed arguments, runs the command and prints its result. */
export type DefinedCommand<A> = CommandModule<GlobalArgs, A> & { handler: (args: A) => Promise<void> } & DaemonCommand;

export function defineCommand<
  P extends Record<string, PositionalOptions> = {},
  O extends Record<string, Options> = {},
  T = void,
>(definition: CommandDefinition<P, O, T>): DefinedCommand<CommandArgs<P, O>> {
  return {
    command: definition.command,
    describe: definition.describe,
    builder: (y) => {
      let built = y;
      for (const [name, spec] of Object.entries(definition.positionals ?? {})) built = built.positional(name, spec);
      if (definition.extend) built = definition.extend(built);
      for (const [name, spec] of Object.entries(definition.options ?? {})) built = built.option(name, spec);
      for (const [command, description] of definition.examples ?? []) built = built.example(command, description);
      return built as unknown as Argv<CommandArgs<P, O>>;
    },
    handler: async (args: CommandArgs<P, O>) => {
      const bar = progressBar(args);
      const ui = commandUi(args, bar.report);
      const data = await runHereOrInDaemon(definition, args, ui).finally(bar.finish);
      await printOutcome(definition, data, args);
    },
    definition,
    // yargs passes the parsed arguments with camel-case aliases added: CommandArgs, and more.
  } as DefinedCommand<CommandArgs<P, O>>;
}

async function runHereOrInDaemon<P, O, T>(definition: CommandDefinition<P, O, T>, args: CommandArgs<P, O>, ui: CommandUi): Promise<T> {
  if (definition.daemon === undefined || !usesDaemon()) return definition.run(args, ui);
  const { callDaemon } = await import('../daemon/callDaemon.js');
  const keys = [...Object.keys(definition.positionals ?? {}), ...Object.keys(definition.options ?? {})];
  return (await callDaemon({ route: definition.daemon, keys, args, ui })) as T;
}

function commandUi(args: GlobalArgs & { prefix?: unknown }, progress: ProgressReporter | undefined): CommandUi {
  const shown = !args.quiet;
  const live = process.stderr.isTTY && shown && !args.json;
  return {
    progress,
    step: stepReporter(args),
    live: live ? (text) => process.stderr.write(text) : undefined,
    note: (line) => shown && process.stderr.write(`${line}\n`),
    warn: (message) => shown && process.stderr.write(`hacktree: warning: ${message}\n`),
    prefix: async () => {
      const { resolvePrefix } = await import('../../root/deploy/resolvePrefix.js');
      return resolvePrefix(typeof args.prefix === 'string' ? args.prefix : undefined);
    },
  };
}

async function printOutcome<P, O, T>(definition: CommandDefinition<P, O, T>, data: T, args: CommandArgs<P, O>): Promise<void> {
  if (definition.exitCode) process.exitCode = definition.exitCode(data);
  const output = definition.output ?? 'data';
  if (output === 'none') return;
  const failure = await definition.failure?.(data);
  const value = definition.json ? definition.json(data, args) : data;
  if (args.json) {
    if (failure) throw failure;
    printResult(args, value, () => '');
    return;
  }
  if (args.quiet && output === 'summary' && !failure) return;
  const text = definition.text ? await definition.text(data, args) : '';
  if (text instanceof Uint8Array) process.stdout.write(text);
  else printResult(args, value, () => text, true);
  if (failure) throw failure;
}
