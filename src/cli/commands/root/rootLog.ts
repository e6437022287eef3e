import { defineCommand } from '../defineCommand.js';

export const rootLogCommand = defineCommand({
  command: 'log <name>',
  describe: "Show a root's commits, newest first (first parents), like git log",
  positionals: { name: { type: 'string', demandOption: true, describe: 'root name (branch root-NAME), or a branch, ref or commit' } },
  options: { 'max-count': { alias: 'n', type: 'number', describe: 'show at most this many commits' } },
  extend: (y) =>
    y.check((args) => {
      const max = args['max-count'] as number | undefined;
      return max === undefined || (Number.isInteger(max) && max >= 0) || `--max-count takes a whole number, 0 or more, not ${String(max)}`;
    }),
  examples: [['$0 root log 3.2-runtime-opt-x86_64 -n 5', 'the last five commits of root-3.2-runtime-opt-x86_64']],
  daemon: { operation: 'log' },
  run: async (args) => {
    const { rootLog } = await import('../../../root/read/rootLog.js');
    return rootLog({ repoDir: args.repo, name: args.name, maxCount: args['max-count'] });
  },
  text: (log) =>
    log.commits.flatMap((c, i) => [
      ...(i > 0 ? [''] : []),
      `commit ${c.commit}`,
      ...(c.parents.length > 1 ? [`Merge: ${c.parents.map((p) => p.slice(0, 12)).join(' ')}`] : []),
      `Author: ${c.author.name} <${c.author.email}>`,
      `Date:   ${c.date}`,
      '',
      ...c.message.split('\n').map((line) => (line === '' ? '' : `    ${line}`)),
    ]),
});
