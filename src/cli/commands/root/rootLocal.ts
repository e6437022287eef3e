import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';

interface Args extends GlobalArgs {
  name: string;
}

export const rootLocalCommand: CommandModule<GlobalArgs, Args> = {
  command: 'local <name>',
  describe: 'List the local components of a root (its local/root-NAME branch)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'root name VERSION-KIND-FLAVOR-ARCH' })
      .example('$0 root local 3.2-runtime-opt-x86_64', 'artifact, version, flavor (opt or debug) and path count of each local component'),
  handler: async (argv) => {
    const { listLocal } = await import('../../../root/local/listLocal.js');
    const listing = await listLocal({ repoDir: argv.repo, name: argv.name });
    printResult(argv, listing, () => {
      if (listing.commit === null) return `${argv.name}: no local branch (deployments use root-${argv.name})`;
      const behind = listing.base !== null && listing.base !== listing.master ? ' (master moved: run "hacktree root update")' : '';
      return [
        `${listing.branch} ${listing.commit}, built on root-${argv.name} ${listing.base ?? '(unknown)'}${behind}`,
        ...listing.components.map((c) => `  ${c.component}\t${c.version ?? '-'}\t${c.flavor ?? '-'}\t${c.paths} paths\t${c.artifact}`),
      ];
    });
  },
};
