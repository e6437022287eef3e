import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';

interface Args extends GlobalArgs {
  remote: string;
  roots: string[];
}

export const pushCommand: CommandModule<GlobalArgs, Args> = {
  command: 'push <remote> [roots..]',
  describe: 'Push root branches to a remote over git smart HTTP (default: every root-* branch)',
  builder: (y) =>
    y
      .positional('remote', { type: 'string', demandOption: true })
      .positional('roots', { type: 'string', array: true, default: [], describe: 'root names (or root-NAME branches)' })
      .example('$0 push dist 3.2-runtime-opt-x86_64', 'push root-3.2-runtime-opt-x86_64 to the remote "dist"'),
  handler: async (argv) => {
    const { pushRoots } = await import('../../../root/remote/pushRoots.js');
    const result = await pushRoots({ repoDir: argv.repo, remote: argv.remote, roots: argv.roots });
    printResult(argv, result, () => result.pushed.map((p) => `${p.branch} ${p.commit} -> ${result.remote}`), false);
  },
};
