import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../globalArgs.js';
import { printResult } from '../output.js';
import { progressBar } from '../progressBar.js';

interface Args extends GlobalArgs {
  from?: string;
  name?: string;
  suite: string;
  mirror?: string;
}

export const bootstrapCommand: CommandModule<GlobalArgs, Args> = {
  command: 'bootstrap',
  describe: 'Make the base toolchain root builds start from (debootstrap, or a directory or tarball), on branch base/NAME',
  builder: (y) =>
    y
      .option('from', { type: 'string', describe: 'commit this root filesystem directory or .tar/.tar.gz instead of running debootstrap' })
      .option('name', { type: 'string', describe: 'the branch is base/NAME', defaultDescription: 'debian-SUITE-ARCH' })
      .option('suite', { type: 'string', default: 'bookworm', describe: 'the Debian suite debootstrap installs (also names the default branch)' })
      .option('mirror', { type: 'string', describe: 'the Debian mirror for debootstrap', defaultDescription: "the one in apt's sources" })
      .example('$0 bootstrap', 'debootstrap bookworm (minbase + build-essential, autotools, pkg-config) onto base/debian-bookworm-x86_64')
      .example('$0 bootstrap --from /srv/rootfs --name mybase', 'commit a directory as base/mybase'),
  handler: async (argv) => {
    const { HacktreeError } = await import('../../errors/HacktreeError.js');
    if (argv.from !== undefined && argv.mirror !== undefined) {
      throw new HacktreeError('USAGE', '--mirror is for debootstrap; it means nothing with --from', { hint: 'give --from or --mirror, not both' });
    }
    const { bootstrapBase } = await import('../../build/bootstrapBase.js');
    const progress = progressBar(argv);
    const result = await bootstrapBase({
      repoDir: argv.repo,
      from: argv.from,
      name: argv.name,
      suite: argv.suite,
      mirror: argv.mirror,
      onProgress: progress.report,
      onOutput: argv.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
    }).finally(progress.finish);
    printResult(argv, result, () =>
      `${result.branch} ${result.commit} (${result.entries} entries, tree ${result.tree}${result.created ? '' : ', unchanged: nothing committed'})`,
    );
  },
};
