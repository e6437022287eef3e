import { prefixOption } from '../../options/prefixOption.js';
import { defineCommand } from '../defineCommand.js';

export const rootRunCommand = defineCommand({
  command: 'run <name> [command..]',
  describe: 'Run a command with the root as / (bubblewrap, read-only, with /proc, /dev and /tmp); exits with its status',
  positionals: {
    name: { type: 'string', demandOption: true, describe: 'root name (its deployment if deployed, else a temporary checkout)' },
    command: { type: 'string', array: true, default: [], describe: 'the command and its arguments, after --' },
  },
  options: { prefix: prefixOption },
  examples: [
    ['$0 root run 3.2-sdk-opt-x86_64 -- gcc --version', 'like a virtual environment'],
    ["$0 root run 3.2-runtime-opt-x86_64 -- /bin/sh -c 'echo ok'", 'a shell command'],
  ],
  output: 'none',
  run: async (args, ui) => {
    const { runInRoot } = await import('../../../root/read/runInRoot.js');
    // Everything after the first `--` is the command, verbatim (its own options included).
    const dashes = process.argv.indexOf('--');
    const command = dashes >= 0 ? process.argv.slice(dashes + 1) : args.command.map(String);
    return runInRoot({ repoDir: args.repo, name: args.name, prefix: await ui.prefix(), command });
  },
  exitCode: (status) => status,
});
