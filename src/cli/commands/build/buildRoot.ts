import { defineCommand } from '../defineCommand.js';

export const buildRootCommand = defineCommand({
  command: 'build-root <root>',
  describe: 'Prepare the sandbox root a local build of one component of ROOT runs over (what "make" does first; a developer\'s make has the daemon do it)',
  positionals: { root: { type: 'string', demandOption: true, describe: 'the root the component is built for: a name (VERSION-KIND-FLAVOR-ARCH) or the public path of its deployment' } },
  options: {
    component: { type: 'string', demandOption: true, describe: 'the component built: its own artifacts stay out of the build root' },
    base: { type: 'string', describe: 'base toolchain root, branch base/BASE-ARCH', defaultDescription: 'debian-bookworm' },
    group: { type: 'string', describe: 'a group whose members may reach the layers to build over them (through the daemon: its own group)' },
  },
  examples: [['$0 build-root 3.2-runtime-opt-x86_64 --component hello --json', 'the composed tree and the layers a local build of hello stacks']],
  daemon: { operation: 'build-root' },
  run: async (args) => {
    const { prepareLocalBuildRoot } = await import('../../../builder/make/prepareLocalBuildRoot.js');
    const { groupIdOf } = await import('../../../platform/process/accountNames.js');
    const { HacktreeError } = await import('../../../errors/HacktreeError.js');
    const { resolveRootTarget } = await import('../../../root/deploy/resolveRootTarget.js');
    const { resolvePrefix } = await import('../../../root/deploy/resolvePrefix.js');
    const { name } = resolveRootTarget(args.root, resolvePrefix(undefined));
    const gid = args.group === undefined ? undefined : groupIdOf(args.group);
    if (args.group !== undefined && gid === undefined) {
      throw new HacktreeError('USAGE', `there is no group ${args.group}`, { hint: 'name an existing group (getent group)', data: { group: args.group } });
    }
    return prepareLocalBuildRoot({ repoDir: args.repo, root: name, component: args.component, base: args.base, readableByGroup: gid });
  },
  text: (built) => [`tree ${built.treeId}`, ...built.layers],
});
