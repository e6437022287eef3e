import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { progressBar } from '../../output/progressBar.js';

interface Args extends GlobalArgs {
  repair: boolean;
  prefix?: string;
  from?: string;
}

export const fsckCommand: CommandModule<GlobalArgs, Args> = {
  command: 'fsck',
  describe: 'Re-hash every object and raw cache file, walk every ref; report corrupt or missing ones, and refs that cannot be read, by path',
  builder: (y) =>
    y
      .option('repair', { type: 'boolean', default: false, describe: 'delete damaged raw cache files and rebuild raw objects from git' })
      .option('from', { type: 'string', describe: 'with --repair: fetch corrupt or missing git objects again from this remote' })
      .option('prefix', { type: 'string', describe: "deployment prefix whose deployments of this repository are verified too (default: HACKTREE_PREFIX, the config file, /opt/hacktree)" })
      .example('$0 fsck --repo /srv/hacktree', 'check everything; exit status 11 when problems remain')
      .example('$0 fsck --repair', 'rebuild the raw object cache from the git objects')
      .example('$0 fsck --repair --from dist', 'also refetch damaged git objects from the remote "dist"'),
  handler: async (argv) => {
    const { fsckRepository, fsckFailure } = await import('../../../store/fsck/fsckRepository.js');
    const { deploymentsOfRepository } = await import('../../../root/deploy/deploymentState.js');
    const { withDeploymentViews } = await import('../../../root/deploy/withDeploymentViews.js');
    const { resolvePrefix } = await import('../../../root/deploy/resolvePrefix.js');
    const { resolve } = await import('node:path');
    const deployments = deploymentsOfRepository(resolvePrefix(argv.prefix), resolve(argv.repo));
    if (argv.from !== undefined && !argv.repair) {
      const { HacktreeError } = await import('../../../errors/HacktreeError.js');
      throw new HacktreeError('USAGE', '--from REMOTE needs --repair', { hint: `run "hacktree fsck --repair --from ${argv.from}"` });
    }
    const progress = progressBar(argv);
    const { repairFromRemote } = await import('../../../store/fsck/repairFromRemote.js');
    const report = await withDeploymentViews(deployments, (checkouts) => {
      const options = { repoDir: argv.repo, repair: argv.repair, onProgress: progress.report, checkouts };
      return argv.from === undefined ? fsckRepository(options) : repairFromRemote({ ...options, remote: argv.from });
    }).finally(progress.finish);
    const c = report.checked;
    const lines = [
      ...report.removedTempFiles.map((path) => `removed leftover temporary file ${path}`),
      ...report.problems.map((p) => `${p.kind}\t${p.path}\t${p.detail}${p.repaired ? `\t[repaired: ${p.repaired}]` : ''}`),
      `checked ${c.looseObjects} loose objects, ${c.packs} packs, ${c.rawFiles} raw cache files, ` +
        `${c.refs} refs (${c.commits} commits, ${c.trees} trees, ${c.blobs} blobs)${c.checkouts > 0 ? `, ${c.checkouts} deployments` : ''}: ` +
        `${report.problems.length} problems, ${report.problems.length - report.remaining} repaired, ${report.remaining} remaining`,
    ];
    if (report.remaining > 0) {
      // The error carries the report: --json prints it once, as the error's data.
      if (!argv.json) process.stdout.write(`${lines.join('\n')}\n`);
      throw fsckFailure(report);
    }
    printResult(argv, report, () => lines, false);
  },
};
