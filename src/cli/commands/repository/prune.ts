import { HacktreeError } from '../../../errors/HacktreeError.js';
import { defineCommand } from '../defineCommand.js';

export const pruneCommand = defineCommand({
  command: 'prune',
  describe: 'Remove objects and raw cache files no ref, kept history or deployment needs; cut branch histories with --keep / --older-than',
  options: {
    keep: { type: 'number', describe: "keep only the newest N commits of each branch's first-parent history (the tip always stays)" },
    'older-than': { type: 'string', describe: "cut each branch's commits older than this (30d, 12h, 2w…); the tip always stays" },
    'dry-run': { type: 'boolean', default: false, describe: 'say what would go and how many bytes would return; change nothing' },
    prefix: { type: 'string', array: true, describe: 'deployment prefix(es) whose deployments are kept (default: HACKTREE_PREFIX, the config file, /opt/hacktree)' },
  },
  examples: [
    ['$0 prune --keep 2 --dry-run', 'what keeping two commits per branch would free'],
    ['$0 prune --older-than 30d', 'cut history older than 30 days; deployed commits always stay'],
  ],
  output: 'summary',
  run: async (args) => {
    if (args.keep !== undefined && (!Number.isSafeInteger(args.keep) || args.keep < 0)) {
      throw new HacktreeError('USAGE', `--keep takes a whole number of commits, 0 or more, not ${args.keep}`, { hint: 'for example --keep 2' });
    }
    const { pruneRepository } = await import('../../../root/prune/pruneRepository.js');
    const { resolvePrefix } = await import('../../../root/deploy/resolvePrefix.js');
    const { parseDuration } = await import('../../../model/root/duration.js');
    const olderThanSeconds = args['older-than'] === undefined ? undefined : parseDuration(args['older-than']);
    const prefixes = args.prefix && args.prefix.length > 0 ? args.prefix.map((p) => resolvePrefix(p)) : [resolvePrefix()];
    return pruneRepository({ repoDir: args.repo, keep: args.keep, olderThanSeconds, dryRun: args['dry-run'], prefixes });
  },
  text: (report) => {
    const verb = report.dryRun ? 'would remove' : 'removed';
    return [
      `${verb} ${report.looseObjects} objects and ${report.rawFiles} raw cache files: ${report.bytes} bytes`,
      `kept ${report.keptCommits} commits (${report.shallow.length} with their history cut, ${report.deployed.length} deployed)` +
        (report.packs === 0 ? '' : report.dryRun ? `; ${report.packs} packs would be rewritten (git repack -a -d)` : `; packs rewritten: ${report.packBytesFreed} bytes returned`),
    ];
  },
});
