import { workspaceOption } from '../../options/workspaceOption.js';
import { defineCommand } from '../defineCommand.js';

export const bootstrapCommand = defineCommand({
  command: 'bootstrap',
  describe: 'Make the base roots: in a workspace, every base its root definitions name (debootstrap); else one base from debootstrap, a directory or a tarball, on branch base/NAME',
  options: {
    from: { type: 'string', describe: 'commit this root filesystem directory or .tar/.tar.gz instead of running debootstrap' },
    name: { type: 'string', describe: 'make one base, on branch base/NAME (NAME includes the arch)', defaultDescription: 'debian-SUITE-ARCH' },
    suite: { type: 'string', describe: 'the Debian suite debootstrap installs for one base (also names the default branch)', defaultDescription: 'bookworm' },
    mirror: { type: 'string', describe: 'the Debian mirror for debootstrap', defaultDescription: "the one in apt's sources" },
    arch: { type: 'string', array: true, default: [], describe: 'in a workspace, make the bases of these architectures only (x86_64, i686; ia32 is i686; aarch64: a cross toolchain base and foreign bases, finished under qemu-user)', defaultDescription: 'every arch the definitions name that this machine runs' },
    again: { type: 'boolean', default: false, describe: 'in a workspace, debootstrap the bases that exist already too (a new commit where the tree changed)' },
    C: workspaceOption,
  },
  examples: [
    ['$0 bootstrap', 'in a workspace: debootstrap each base roots/*.json names that is missing (roots/bases/NAME.json says how)'],
    ['$0 bootstrap --name debian-bookworm-x86_64', 'one toolchain base: debootstrap bookworm (minbase + build-essential, autotools, pkg-config)'],
    ['$0 bootstrap --from /srv/rootfs --name mybase', 'commit a directory as base/mybase'],
  ],
  run: async (args, ui) => {
    const { HacktreeError } = await import('../../../errors/HacktreeError.js');
    if (args.from !== undefined && args.mirror !== undefined) {
      throw new HacktreeError('USAGE', '--mirror is for debootstrap; it means nothing with --from', { hint: 'give --from or --mirror, not both' });
    }
    const { join, resolve } = await import('node:path');
    const { listDirectory } = await import('../../../platform/fs/listDirectory.js');
    const rootsDir = join(resolve(args.C), 'roots');
    const inWorkspace = args.from === undefined && args.name === undefined && args.suite === undefined && listDirectory(rootsDir).some((f) => f.endsWith('.json'));
    if (args.arch.length > 0 && !inWorkspace) {
      throw new HacktreeError('USAGE', '--arch picks among the bases of a workspace\'s root definitions; one base named with --name, --from or --suite is made for this machine\'s arch', {
        hint: 'run "hacktree bootstrap --arch i686" in the workspace (or with -C DIR), without --name, --from or --suite',
      });
    }
    if (args.again && !inWorkspace) {
      throw new HacktreeError('USAGE', '--again is for the bases of a workspace\'s root definitions; one base named with --name or --from is always made again', {
        hint: 'run "hacktree bootstrap --again" in the workspace (or with -C DIR), without --name, --from or --suite',
      });
    }
    const onOutput = args.verbose ? (line: string) => process.stderr.write(`${line}\n`) : undefined;
    if (inWorkspace) {
      const { bootstrapWorkspaceBases } = await import('../../../builder/bootstrap/bootstrapWorkspaceBases.js');
      const onBase = (branch: string) => ui.note(`bootstrap: ${branch}: debootstrap`);
      return bootstrapWorkspaceBases({ repoDir: args.repo, rootsDir, arches: args.arch, again: args.again, mirror: args.mirror, onBase, onProgress: ui.progress, onOutput });
    }
    const { bootstrapBase } = await import('../../../builder/bootstrap/bootstrapBase.js');
    const { from, name, suite, mirror } = args;
    return bootstrapBase({ repoDir: args.repo, from, name, suite, mirror, onProgress: ui.progress, onOutput });
  },
  text: (result) =>
    'bases' in result
      ? [
          ...result.bases.map((b) => ('existing' in b ? `${b.branch}: there already (--again makes it anew)` : describeBase(b))),
          ...(result.otherArches.length > 0 ? [`not made on this machine (another arch): ${result.otherArches.join(', ')}`] : []),
        ]
      : describeBase(result),
});

function describeBase(base: { branch: string; commit: string; entries: number; tree: string; created: boolean }): string {
  return `${base.branch} ${base.commit} (${base.entries} entries, tree ${base.tree}${base.created ? '' : ', unchanged: nothing committed'})`;
}
