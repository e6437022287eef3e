import type { CommandModule } from 'yargs';
import { HacktreeError } from '../../../errors/HacktreeError.js';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { progressBar } from '../../output/progressBar.js';

interface Args extends GlobalArgs {
  remote: string;
  roots: string[];
  depth?: number;
}

export const pullCommand: CommandModule<GlobalArgs, Args> = {
  command: 'pull <remote> <roots..>',
  describe: 'Pull root branches from a remote over git smart HTTP; checked before any branch moves',
  builder: (y) =>
    y
      .positional('remote', { type: 'string', demandOption: true })
      .positional('roots', { type: 'string', array: true, demandOption: true, describe: 'root names (or root-NAME branches)' })
      .option('depth', { type: 'number', describe: 'fetch only this many commits of history (1: the newest)' })
      .example('$0 pull dist 3.2-runtime-opt-x86_64 --depth 1', 'pull the newest commit of a root, then "root checkout" deploys it'),
  handler: async (argv) => {
    if (argv.depth !== undefined && (!Number.isInteger(argv.depth) || argv.depth < 1)) {
      throw new HacktreeError('USAGE', `--depth must be a whole number of at least 1, not ${argv.depth}`, { hint: '--depth 1 fetches only the newest commit' });
    }
    const { pullRoots } = await import('../../../root/remote/pullRoots.js');
    const progress = progressBar(argv);
    const result = await pullRoots({
      repoDir: argv.repo,
      remote: argv.remote,
      roots: argv.roots,
      depth: argv.depth,
      onProgress: progress.report,
      onGitProgress: process.stderr.isTTY && !argv.quiet && !argv.json ? (text) => process.stderr.write(text) : undefined,
    }).finally(progress.finish);
    printResult(argv, result, () => result.pulled.map((p) => `${p.branch} ${p.previous ? `${p.previous.slice(0, 12)}..` : ''}${p.commit} from ${result.remote}`), false);
  },
};
