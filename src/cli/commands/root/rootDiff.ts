import { defineCommand } from '../defineCommand.js';

export const rootDiffCommand = defineCommand({
  command: 'diff <from> <to>',
  describe: 'Compare two roots: A added, D removed, M content changed, m metadata only (mode, owner, xattrs, target, type)',
  positionals: {
    from: { type: 'string', demandOption: true, describe: 'the older root, branch, ref or commit' },
    to: { type: 'string', demandOption: true, describe: 'the newer root, branch, ref or commit' },
  },
  examples: [
    ['$0 root diff 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b w1', 'from a commit id to the tip of root-w1'],
    ['$0 root diff 3.2-runtime-opt-x86_64 local/root-3.2-runtime-opt-x86_64', 'what the local branch changes'],
  ],
  daemon: { operation: 'diff' },
  run: async (args) => {
    const { diffRoots } = await import('../../../root/read/diffRoots.js');
    return diffRoots({ repoDir: args.repo, from: args.from, to: args.to });
  },
  text: async (diff) => (await import('../../output/formatEntryChanges.js')).formatEntryChanges(diff.changes, diff.summary),
});
