import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { progressBar } from '../../output/progressBar.js';
import { workspaceOption, type WorkspaceArgs } from '../../options/workspaceOption.js';

interface Args extends GlobalArgs, WorkspaceArgs {
  from?: string;
  name?: string;
  suite?: string;
  mirror?: string;
  again: boolean;
}

export const bootstrapCommand: CommandModule<GlobalArgs, Args> = {
  command: 'bootstrap',
  describe: 'Make the base roots: in a workspace, every base its root definitions name (debootstrap); else one base from debootstrap, a directory or a tarball, on branch base/NAME',
  builder: (y) =>
    y
      .option('from', { type: 'string', describe: 'commit this root filesystem directory or .tar/.tar.gz instead of running debootstrap' })
      .option('name', { type: 'string', describe: 'make one base, on branch base/NAME (NAME includes the arch)', defaultDescription: 'debian-SUITE-ARCH' })
      .option('suite', { type: 'string', describe: 'the Debian suite debootstrap installs for one base (also names the default branch)', defaultDescription: 'bookworm' })
      .option('mirror', { type: 'string', describe: 'the Debian mirror for debootstrap', defaultDescription: "the one in apt's sources" })
      .option('again', { type: 'boolean', default: false, describe: 'in a workspace, debootstrap the bases that exist already too (a new commit where the tree changed)' })
      .option('C', workspaceOption)
      .example('$0 bootstrap', 'in a workspace: debootstrap each base roots/*.json names that is missing (roots/bases/NAME.json says how)')
      .example('$0 bootstrap --name debian-bookworm-x86_64', 'one toolchain base: debootstrap bookworm (minbase + build-essential, autotools, pkg-config)')
      .example('$0 bootstrap --from /srv/rootfs --name mybase', 'commit a directory as base/mybase'),
  handler: async (argv) => {
    const { HacktreeError } = await import('../../../errors/HacktreeError.js');
    if (argv.from !== undefined && argv.mirror !== undefined) {
      throw new HacktreeError('USAGE', '--mirror is for debootstrap; it means nothing with --from', { hint: 'give --from or --mirror, not both' });
    }
    const progress = progressBar(argv);
    const { join, resolve } = await import('node:path');
    const { listDirectory } = await import('../../../platform/fs/listDirectory.js');
    const rootsDir = join(resolve(argv.C), 'roots');
    const inWorkspace = argv.from === undefined && argv.name === undefined && argv.suite === undefined && listDirectory(rootsDir).some((f) => f.endsWith('.json'));
    if (argv.again && !inWorkspace) {
      throw new HacktreeError('USAGE', '--again is for the bases of a workspace\'s root definitions; one base named with --name or --from is always made again', {
        hint: 'run "hacktree bootstrap --again" in the workspace (or with -C DIR), without --name, --from or --suite',
      });
    }
    if (inWorkspace) {
      const { bootstrapWorkspaceBases } = await import('../../../builder/bootstrap/bootstrapWorkspaceBases.js');
      const result = await bootstrapWorkspaceBases({
        repoDir: argv.repo,
        rootsDir,
        again: argv.again,
        mirror: argv.mirror,
        onBase: argv.quiet ? undefined : (branch) => process.stderr.write(`bootstrap: ${branch}: debootstrap\n`),
        onProgress: progress.report,
        onOutput: argv.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
      }).finally(progress.finish);
      printResult(argv, result, () => [
        ...result.bases.map((b) => ('existing' in b ? `${b.branch}: there already (--again makes it anew)` : describeBase(b))),
        ...(result.otherArches.length > 0 ? [`not made on this machine (another arch): ${result.otherArches.join(', ')}`] : []),
      ]);
      return;
    }
    const { bootstrapBase } = await import('../../../builder/bootstrap/bootstrapBase.js');
    const result = await bootstrapBase({
      repoDir: argv.repo,
      from: argv.from,
      name: argv.name,
      suite: argv.suite,
      mirror: argv.mirror,
      onProgress: progress.report,
      onOutput: argv.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
    }).finally(progress.finish);
    printResult(argv, result, () => describeBase(result));
  },
};

function describeBase(base: { branch: string; commit: string; entries: number; tree: string; created: boolean }): string {
  return `${base.branch} ${base.commit} (${base.entries} entries, tree ${base.tree}${base.created ? '' : ', unchanged: nothing committed'})`;
}
