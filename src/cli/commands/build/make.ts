import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { DEFAULT_MAKE_OUT } from '../../../model/artifact/developerTree.js';
import { printResult } from '../../output/output.js';
import { rootOrEnvironment } from '../../options/rootOrEnvironment.js';
import { stepReporter } from '../../output/stepReporter.js';
import { prefixOption } from '../../options/prefixOption.js';

interface Args extends GlobalArgs {
  flavor?: 'opt' | 'debug';
  root?: string;
  name?: string;
  base?: string;
  out: string;
  install: boolean;
  prefix?: string;
  jobs?: number;
}

export const makeCommand: CommandModule<GlobalArgs, Args> = {
  command: 'make [flavor]',
  describe: 'Build the autotools tree in the current directory in the sandbox and install it into the root\'s local branch',
  builder: (y) =>
    y
      .positional('flavor', { choices: ['opt', 'debug'] as const, describe: 'opt (-O2 -g) or debug (-O0 -g3), in a root of either flavor; default: the root\'s flavor' })
      .option('root', { type: 'string', describe: 'the root to build against and install into: a name, or the public path of its deployment (default: HACKTREE_ROOT)' })
      .option('name', { type: 'string', describe: 'the component (default: the recipe of a "hacktree source" tree, else the package\'s tarname from configure or AC_INIT, else the directory name)' })
      .option('base', { type: 'string', describe: 'base toolchain root, branch base/BASE-ARCH', defaultDescription: 'debian-bookworm' })
      .option('out', { type: 'string', default: DEFAULT_MAKE_OUT, describe: 'where the local artifacts, the build log and the configured build tree (work/ROOT-FLAVOR, kept for the next run) go' })
      .option('install', { type: 'boolean', default: true, describe: 'install into local/root-NAME and redeploy (--no-install: only write the artifacts)' })
      .option('prefix', prefixOption)
      .option('jobs', { alias: 'j', type: 'number', describe: 'make -jN', defaultDescription: 'the number of CPUs' })
      .example('HACKTREE_ROOT=/opt/hacktree/root-3.2-runtime-opt-x86_64 $0 make debug', 'rebuild this component with -O0 -g3 and put it into the deployed opt root; the rest stays opt')
      .example('$0 make --root 3.2-sdk-opt-x86_64 --no-install', 'only the local artifacts, in ./hacktree-out'),
  handler: async (argv) => {
    const { name: root, prefix } = rootOrEnvironment(argv.root, argv.prefix, 'make');
    const { availableParallelism } = await import('node:os');
    const { buildLocalArtifact } = await import('../../../builder/make/buildLocalArtifact.js');
    const built = await buildLocalArtifact({
      repoDir: argv.repo,
      sourceDir: process.cwd(),
      root,
      flavor: argv.flavor,
      name: argv.name,
      base: argv.base,
      outDir: argv.out,
      jobs: argv.jobs ?? availableParallelism(),
      onStep: stepReporter(argv),
    });
    let installed: unknown = null;
    if (argv.install) {
      const { installLocal } = await import('../../../root/local/installLocal.js');
      installed = await installLocal({ repoDir: argv.repo, name: root, files: built.installable, prefix, deploy: true });
    }
    printResult(argv, { ...built, installed }, () => [
      `${built.name} ${built.version} built ${built.flavor} against ${root}: ${built.configured ? `make only (configured before, in ${built.workdir})` : `configured and built in ${built.workdir}`}`,
      ...built.artifacts,
      argv.install ? `installed into local/root-${root}` : 'not installed (--no-install)',
    ]);
  },
};
