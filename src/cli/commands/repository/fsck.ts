import { defineCommand } from '../defineCommand.js';

export const fsckCommand = defineCommand({
  command: 'fsck',
  describe: 'Re-hash every object and raw cache file, walk every ref; report corrupt or missing ones, and refs that cannot be read, by path',
  options: {
    repair: { type: 'boolean', default: false, describe: 'delete damaged raw cache files and rebuild raw objects from git' },
    from: { type: 'string', describe: 'with --repair: fetch corrupt or missing git objects again from this remote' },
    prefix: { type: 'string', describe: "deployment prefix whose deployments of this repository are verified too (default: HACKTREE_PREFIX, the config file, /opt/hacktree)" },
  },
  examples: [
    ['$0 fsck --repo /srv/hacktree', 'check everything; exit status 11 when problems remain'],
    ['$0 fsck --repair', 'rebuild the raw object cache from the git objects'],
    ['$0 fsck --repair --from dist', 'also refetch damaged git objects from the remote "dist"'],
  ],
  output: 'summary',
  run: async (args, ui) => {
    const { fsckRepository } = await import('../../../store/fsck/fsckRepository.js');
    const { deploymentsOfRepository } = await import('../../../root/deploy/deploymentState.js');
    const { withDeploymentViews } = await import('../../../root/deploy/withDeploymentViews.js');
    const { resolve } = await import('node:path');
    const deployments = deploymentsOfRepository(await ui.prefix(), resolve(args.repo));
    if (args.from !== undefined && !args.repair) {
      const { HacktreeError } = await import('../../../errors/HacktreeError.js');
      throw new HacktreeError('USAGE', '--from REMOTE needs --repair', { hint: `run "hacktree fsck --repair --from ${args.from}"` });
    }
    const { repairFromRemote } = await import('../../../store/fsck/repairFromRemote.js');
    const { refetchFromStatic } = await import('../../../root/remote/refetchFromStatic.js');
    return withDeploymentViews(deployments, (checkouts) => {
      const options = { repoDir: args.repo, repair: args.repair, onProgress: ui.progress, checkouts };
      return args.from === undefined ? fsckRepository(options) : repairFromRemote({ ...options, remote: args.from, refetchStatic: refetchFromStatic });
    });
  },
  // The error carries the report: --json prints it once, as the error's data.
  failure: async (report) => (report.remaining > 0 ? (await import('../../../store/fsck/fsckRepository.js')).fsckFailure(report) : undefined),
  text: (report) => {
    const c = report.checked;
    return [
      ...report.removedTempFiles.map((path) => `removed leftover temporary file ${path}`),
      ...report.problems.map((p) => `${p.kind}\t${p.path}\t${p.detail}${p.repaired ? `\t[repaired: ${p.repaired}]` : ''}`),
      `checked ${c.looseObjects} loose objects, ${c.packs} packs, ${c.rawFiles} raw cache files, ` +
        `${c.refs} refs (${c.commits} commits, ${c.trees} trees, ${c.blobs} blobs)${c.checkouts > 0 ? `, ${c.checkouts} deployments` : ''}: ` +
        `${report.problems.length} problems, ${report.problems.length - report.remaining} repaired, ${report.remaining} remaining`,
    ];
  },
});
