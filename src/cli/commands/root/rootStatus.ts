import { prefixOption } from '../../options/prefixOption.js';
import { defineCommand } from '../defineCommand.js';

export const rootStatusCommand = defineCommand({
  command: 'status [name]',
  describe: 'The deployed roots: branch, commit, when deployed, local components, previous and staged deployments, last upgrade check and failure',
  positionals: { name: { type: 'string', describe: 'one root (default: every deployed root)' } },
  options: { prefix: prefixOption },
  examples: [
    ['$0 root status', 'every deployed root'],
    ['$0 root status 3.2-runtime-opt-x86_64 --json', 'one root, as JSON'],
  ],
  daemon: { operation: 'status' },
  run: async (args, ui) => {
    const { rootStatus } = await import('../../../root/deploy/rootStatus.js');
    return rootStatus({ prefix: await ui.prefix(), name: args.name });
  },
  text: async (roots) => {
    const { describeDeployment, describeUpgrade } = await import('../../../root/deploy/rootStatus.js');
    return roots.length === 0
      ? 'no deployed roots'
      : roots.flatMap((s) => [
          `root ${s.root} at ${s.publicPath}${s.published ? '' : ' (NOT PUBLISHED: run "hacktree root mount --all")'}`,
          `  current:  ${describeDeployment(s.current)}`,
          `  local:    ${s.current?.localArtifacts?.length ? s.current.localArtifacts.join(' ') : 'none'}`,
          `  previous: ${describeDeployment(s.previous)}`,
          ...s.older.map((r) => `  older:    ${describeDeployment(r)}`),
          ...(s.staged ? [`  staged:   ${describeDeployment(s.staged)}: published at the next "hacktree root mount --all" or "hacktree root upgrade ${s.root} --apply"`] : []),
          ...describeUpgrade(s.upgrade),
        ]);
  },
});

/** The handler, also run by main's quick path (see quickCommands). */
export const printRootStatus = rootStatusCommand.handler;
