import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';

interface Args extends GlobalArgs {
  from: string;
  to: string;
}

export const rootDiffCommand: CommandModule<GlobalArgs, Args> = {
  command: 'diff <from> <to>',
  describe: 'Compare two roots: A added, D removed, M content changed, m metadata only (mode, owner, xattrs, target, type)',
  builder: (y) =>
    y
      .positional('from', { type: 'string', demandOption: true, describe: 'the older root, branch, ref or commit' })
      .positional('to', { type: 'string', demandOption: true, describe: 'the newer root, branch, ref or commit' })
      .example('$0 root diff 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b w1', 'from a commit id to the tip of root-w1')
      .example('$0 root diff 3.2-runtime-opt-x86_64 local/root-3.2-runtime-opt-x86_64', 'what the local branch changes'),
  handler: async (argv) => {
    const { diffRoots } = await import('../../../root/read/diffRoots.js');
    const { formatEntryChanges } = await import('../../output/formatEntryChanges.js');
    const diff = await diffRoots({ repoDir: argv.repo, from: argv.from, to: argv.to });
    printResult(argv, diff, () => formatEntryChanges(diff.changes, diff.summary));
  },
};
