import { defineCommand } from '../defineCommand.js';

export const rootLocalCommand = defineCommand({
  command: 'local <name>',
  describe: 'List the local components of a root (its local/root-NAME branch)',
  positionals: { name: { type: 'string', demandOption: true, describe: 'root name VERSION-KIND-FLAVOR-ARCH' } },
  examples: [['$0 root local 3.2-runtime-opt-x86_64', 'artifact, version, flavor (opt or debug) and path count of each local component']],
  daemon: { operation: 'local' },
  run: async (args) => {
    const { listLocal } = await import('../../../root/local/listLocal.js');
    return listLocal({ repoDir: args.repo, name: args.name });
  },
  text: (listing, args) => {
    if (listing.commit === null) return `${args.name}: no local branch (deployments use root-${args.name})`;
    const behind = listing.base !== null && listing.base !== listing.master ? ' (master moved: run "hacktree root update")' : '';
    return [
      `${listing.branch} ${listing.commit}, built on root-${args.name} ${listing.base ?? '(unknown)'}${behind}`,
      ...listing.components.map((c) => `  ${c.component}\t${c.version ?? '-'}\t${c.flavor ?? '-'}\t${c.paths} paths\t${c.artifact}`),
    ];
  },
});
