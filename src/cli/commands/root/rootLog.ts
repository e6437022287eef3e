import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';

interface Args extends GlobalArgs {
  name: string;
  'max-count'?: number;
}

export const rootLogCommand: CommandModule<GlobalArgs, Args> = {
  command: 'log <name>',
  describe: "Show a root's commits, newest first (first parents), like git log",
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'root name (branch root-NAME), or a branch, ref or commit' })
      .option('max-count', { alias: 'n', type: 'number', describe: 'show at most this many commits' })
      .check((args) => {
        const max = args['max-count'];
        if (max !== undefined && (!Number.isInteger(max) || max < 0)) throw new Error('--max-count takes a whole number');
        return true;
      })
      .example('$0 root log 3.2-runtime-opt-x86_64 -n 5', 'the last five commits of root-3.2-runtime-opt-x86_64'),
  handler: async (argv) => {
    const { rootLog } = await import('../../../root/read/rootLog.js');
    const log = await rootLog({ repoDir: argv.repo, name: argv.name, maxCount: argv['max-count'] });
    printResult(argv, log, () =>
      log.commits.flatMap((c, i) => [
        ...(i > 0 ? [''] : []),
        `commit ${c.commit}`,
        ...(c.parents.length > 1 ? [`Merge: ${c.parents.map((p) => p.slice(0, 12)).join(' ')}`] : []),
        `Author: ${c.author.name} <${c.author.email}>`,
        `Date:   ${c.date}`,
        '',
        ...c.message.split('\n').map((line) => (line === '' ? '' : `    ${line}`)),
      ]),
    );
  },
};
