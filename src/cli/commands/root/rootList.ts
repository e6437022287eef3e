import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';

export const rootListCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'list',
  describe: 'List the roots (root-NAME and local/root-NAME branches) with their latest commit',
  builder: (y) => y.example('$0 root list', 'every root branch: name, commit, date, subject'),
  handler: async (argv) => {
    const { listRoots } = await import('../../../root/read/listRoots.js');
    const roots = await listRoots({ repoDir: argv.repo });
    const width = Math.max(0, ...roots.map((r) => r.branch.length));
    printResult(argv, roots, () => roots.map((r) => `${r.branch.padEnd(width)}  ${r.commit.slice(0, 12)}  ${r.date}  ${r.subject}`));
  },
};
