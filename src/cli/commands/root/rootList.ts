import { defineCommand } from '../defineCommand.js';

export const rootListCommand = defineCommand({
  command: 'list',
  describe: 'List the roots (root-NAME and local/root-NAME branches) with their latest commit',
  examples: [['$0 root list', 'every root branch: name, commit, date, subject']],
  daemon: { operation: 'list' },
  run: async (args) => {
    const { listRoots } = await import('../../../root/read/listRoots.js');
    return listRoots({ repoDir: args.repo });
  },
  text: (roots) => {
    const width = Math.max(0, ...roots.map((r) => r.branch.length));
    return roots.map((r) => `${r.branch.padEnd(width)}  ${r.commit.slice(0, 12)}  ${r.date}  ${r.subject}`);
  },
});
