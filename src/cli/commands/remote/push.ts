import { defineCommand } from '../defineCommand.js';

export const pushCommand = defineCommand({
  command: 'push <remote> [roots..]',
  describe: 'Push root branches to a remote over git smart HTTP (default: every root-* branch)',
  positionals: {
    remote: { type: 'string', demandOption: true },
    roots: { type: 'string', array: true, default: [], describe: 'root names (or root-NAME branches)' },
  },
  examples: [['$0 push dist 3.2-runtime-opt-x86_64', 'push root-3.2-runtime-opt-x86_64 to the remote "dist"']],
  output: 'summary',
  run: async (args) => {
    const { pushRoots } = await import('../../../root/remote/pushRoots.js');
    return pushRoots({ repoDir: args.repo, remote: args.remote, roots: args.roots });
  },
  text: (result) => result.pushed.map((p) => `${p.branch} ${p.commit} -> ${result.remote}`),
});
