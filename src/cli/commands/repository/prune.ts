import type { CommandModule } from 'yargs';
import { HacktreeError } from '../../../errors/HacktreeError.js';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';

interface Args extends GlobalArgs {
  keep?: number;
  'older-than'?: string;
  'dry-run': boolean;
  prefix?: string[];
}

export const pruneCommand: CommandModule<GlobalArgs, Args> = {
  command: 'prune',
  describe: 'Remove objects and raw cache files no ref, kept history or deployment needs; cut branch histories with --keep / --older-than',
  builder: (y) =>
    y
      .option('keep', { type: 'number', describe: "keep only the newest N commits of each branch's first-parent history (the tip always stays)" })
      .option('older-than', { type: 'string', describe: "cut each branch's commits older than this (30d, 12h, 2w…); the tip always stays" })
      .option('dry-run', { type: 'boolean', default: false, describe: 'say what would go and how many bytes would return; change nothing' })
      .option('prefix', { type: 'string', array: true, describe: 'deployment prefix(es) whose deployments are kept (default: HACKTREE_PREFIX, the config file, /opt/hacktree)' })
      .example('$0 prune --keep 2 --dry-run', 'what keeping two commits per branch would free')
      .example('$0 prune --older-than 30d', 'cut history older than 30 days; deployed commits always stay'),
  handler: async (argv) => {
    if (argv.keep !== undefined && (!Number.isSafeInteger(argv.keep) || argv.keep < 0)) {
      throw new HacktreeError('USAGE', `--keep takes a whole number of commits, 0 or more, not ${argv.keep}`, { hint: 'for example --keep 2' });
    }
    const { pruneRepository } = await import('../../../root/prune/pruneRepository.js');
    const { resolvePrefix } = await import('../../../root/deploy/resolvePrefix.js');
    const { parseDuration } = await import('../../../model/root/duration.js');
    const olderThanSeconds = argv['older-than'] === undefined ? undefined : parseDuration(argv['older-than']);
    const prefixes = argv.prefix && argv.prefix.length > 0 ? argv.prefix.map((p) => resolvePrefix(p)) : [resolvePrefix()];
    const report = await pruneRepository({ repoDir: argv.repo, keep: argv.keep, olderThanSeconds, dryRun: argv['dry-run'], prefixes });
    const verb = report.dryRun ? 'would remove' : 'removed';
    printResult(argv, report, () => [
      `${verb} ${report.looseObjects} objects and ${report.rawFiles} raw cache files: ${report.bytes} bytes`,
      `kept ${report.keptCommits} commits (${report.shallow.length} with their history cut, ${report.deployed.length} deployed)` +
        (report.packs === 0 ? '' : report.dryRun ? `; ${report.packs} packs would be rewritten (git repack -a -d)` : `; packs rewritten: ${report.packBytesFreed} bytes returned`),
    ], false);
  },
};
