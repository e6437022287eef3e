import { DEFAULT_MAKE_OUT } from '../../../model/artifact/developerTree.js';
import { prefixOption } from '../../options/prefixOption.js';
import { rootForDaemon } from '../../options/rootForDaemon.js';
import { rootOrEnvironment } from '../../options/rootOrEnvironment.js';
import { usesDaemon } from '../../daemon/usesDaemon.js';
import { defineCommand, type CommandUi } from '../defineCommand.js';
import type { LocalBuildRoot, LocalBuildRootOptions } from '../../../builder/make/prepareLocalBuildRoot.js';

export const makeCommand = defineCommand({
  command: 'make [flavor]',
  describe: 'Build the autotools tree in the current directory in the sandbox and install it into the root\'s local branch',
  positionals: { flavor: { choices: ['opt', 'debug'] as const, describe: 'opt (-O2 -g) or debug (-O0 -g3), in a root of either flavor; default: the root\'s flavor' } },
  options: {
    root: { type: 'string', describe: 'the root to build against and install into: a name, or the public path of its deployment (default: HACKTREE_ROOT)' },
    name: { type: 'string', describe: 'the component (default: the recipe of a "hacktree source" tree, else the package\'s tarname from configure or AC_INIT, else the directory name)' },
    base: { type: 'string', describe: 'base toolchain root, branch base/BASE-ARCH', defaultDescription: 'debian-bookworm' },
    out: { type: 'string', default: DEFAULT_MAKE_OUT, describe: 'where the local artifacts, the build log and the configured build tree (work/ROOT-FLAVOR, kept for the next run) go' },
    install: { type: 'boolean', default: true, describe: 'install into local/root-NAME and redeploy (--no-install: only write the artifacts)' },
    prefix: prefixOption,
    jobs: { alias: 'j', type: 'number', describe: 'make -jN', defaultDescription: 'the number of CPUs' },
  },
  examples: [
    ['HACKTREE_ROOT=/opt/hacktree/root-3.2-runtime-opt-x86_64 $0 make debug', 'rebuild this component with -O0 -g3 and put it into the deployed opt root; the rest stays opt'],
    ['$0 make --root 3.2-sdk-opt-x86_64 --no-install', 'only the local artifacts, in ./hacktree-out'],
  ],
  run: async (args, ui) => {
    const throughDaemon = usesDaemon();
    const { name: root, prefix, given } = throughDaemon ? rootForDaemon(args.root, args.prefix, 'make') : { ...rootOrEnvironment(args.root, args.prefix, 'make'), given: undefined };
    const { availableParallelism } = await import('node:os');
    const { buildLocalArtifact } = await import('../../../builder/make/buildLocalArtifact.js');
    const built = await buildLocalArtifact({
      repoDir: args.repo,
      sourceDir: process.cwd(),
      root,
      flavor: args.flavor,
      name: args.name,
      base: args.base,
      outDir: args.out,
      jobs: args.jobs ?? availableParallelism(),
      onStep: ui.step,
      // A developer cannot write the repository: the daemon prepares the build root there, and
      // the build runs here, as the developer, over its layers.
      prepareBuildRoot: throughDaemon ? (request) => prepareThroughDaemon({ ...request, root: given ?? root }, args.repo, ui) : undefined,
    });
    let installed: unknown = null;
    if (args.install && throughDaemon) {
      // A developer builds here, unprivileged; the daemon installs (as `root install-local` would).
      const { callDaemon } = await import('../../daemon/callDaemon.js');
      const installArgs = { repo: args.repo, artifacts: built.installable, root, prefix, deploy: true };
      installed = await callDaemon({ route: { operation: 'install-local', paths: ['artifacts'] }, keys: ['artifacts', 'root', 'prefix', 'deploy'], args: installArgs, ui });
    } else if (args.install) {
      const { installLocal } = await import('../../../root/local/installLocal.js');
      installed = await installLocal({ repoDir: args.repo, name: root, files: built.installable, prefix, deploy: true });
    }
    return { root, made: { ...built, installed } };
  },
  json: ({ made }) => made,
  text: ({ root, made }, args) => [
    `${made.name} ${made.version} built ${made.flavor} against ${root}: ${made.configured ? `make only (configured before, in ${made.workdir})` : `configured and built in ${made.workdir}`}`,
    ...made.artifacts,
    args.install ? `installed into local/root-${root}` : 'not installed (--no-install)',
  ],
});

async function prepareThroughDaemon(request: LocalBuildRootOptions, repo: string, ui: CommandUi): Promise<LocalBuildRoot> {
  const { callDaemon } = await import('../../daemon/callDaemon.js');
  const args = { repo, root: request.root, component: request.component, base: request.base };
  return (await callDaemon({ route: { operation: 'build-root' }, keys: ['root', 'component', 'base'], args, ui })) as LocalBuildRoot;
}
