import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { prefixOption } from '../../options/prefixOption.js';

interface Args extends GlobalArgs {
  name: string;
  command: string[];
  prefix?: string;
}

export const rootRunCommand: CommandModule<GlobalArgs, Args> = {
  command: 'run <name> [command..]',
  describe: 'Run a command with the root as / (bubblewrap, read-only, with /proc, /dev and /tmp); exits with its status',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'root name (its deployment if deployed, else a temporary checkout)' })
      .positional('command', { type: 'string', array: true, default: [], describe: 'the command and its arguments, after --' })
      .option('prefix', prefixOption)
      .example('$0 root run 3.2-sdk-opt-x86_64 -- gcc --version', 'like a virtual environment')
      .example("$0 root run 3.2-runtime-opt-x86_64 -- /bin/sh -c 'echo ok'", 'a shell command'),
  handler: async (argv) => {
    const { runInRoot } = await import('../../../root/read/runInRoot.js');
    const { resolvePrefix } = await import('../../../root/deploy/resolvePrefix.js');
    // Everything after the first `--` is the command, verbatim (its own options included).
    const dashes = process.argv.indexOf('--');
    const command = dashes >= 0 ? process.argv.slice(dashes + 1) : argv.command.map(String);
    process.exitCode = await runInRoot({ repoDir: argv.repo, name: argv.name, prefix: resolvePrefix(argv.prefix), command });
  },
};
