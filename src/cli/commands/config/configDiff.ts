import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';

interface Args extends GlobalArgs {
  name: string;
}

export const configDiffCommand: CommandModule<GlobalArgs, Args> = {
  command: 'diff <name>',
  describe: 'Show what the last config.d apply on local/root-NAME changed (A added, D removed, M modified, m metadata only)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'a root name' })
      .example('$0 config diff 3.2-runtime-opt-x86_64', 'the changes of the last "config apply"'),
  handler: async (argv) => {
    const { lastConfigDiff } = await import('../../../root/config/lastConfigDiff.js');
    const { formatEntryChanges } = await import('../../output/formatEntryChanges.js');
    const diff = await lastConfigDiff({ repoDir: argv.repo, name: argv.name });
    printResult(argv, diff, () => [
      `commit ${diff.commit}: ${diff.run.scripts.map((s) => s.name).join(', ')} (from ${diff.run.source})`,
      ...formatEntryChanges(diff.changes, diff.summary),
    ]);
  },
};
