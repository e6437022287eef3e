import { defineCommand } from '../defineCommand.js';

export const configDiffCommand = defineCommand({
  command: 'diff <name>',
  describe: 'Show what the last config.d apply on local/root-NAME changed (A added, D removed, M modified, m metadata only)',
  positionals: { name: { type: 'string', demandOption: true, describe: 'a root name' } },
  examples: [['$0 config diff 3.2-runtime-opt-x86_64', 'the changes of the last "config apply"']],
  run: async (args) => {
    const { lastConfigDiff } = await import('../../../root/config/lastConfigDiff.js');
    return lastConfigDiff({ repoDir: args.repo, name: args.name });
  },
  text: async (diff) => {
    const { formatEntryChanges } = await import('../../output/formatEntryChanges.js');
    return [
      `commit ${diff.commit}: ${diff.run.scripts.map((s) => s.name).join(', ')} (from ${diff.run.source})`,
      ...formatEntryChanges(diff.changes, diff.summary),
    ];
  },
});
