import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { progressBar } from '../../output/progressBar.js';

interface Args extends GlobalArgs {
  name: string;
  roots: string;
  artifacts: string;
  message?: string;
  sign?: string;
}

export const rootComposeCommand: CommandModule<GlobalArgs, Args> = {
  command: 'compose <name>',
  describe: 'Compose root-NAME from its definition in roots/ and the newest matching artifacts',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'VERSION-KIND-FLAVOR-ARCH, e.g. 3.2-runtime-opt-x86_64' })
      .option('roots', { type: 'string', default: 'roots', describe: 'directory of root definitions (VERSION.json)' })
      .option('artifacts', { type: 'string', default: 'artifacts', describe: 'directory of artifact tarballs' })
      .option('message', { alias: 'm', type: 'string', describe: 'commit message' })
      .option('sign', { type: 'string', describe: 'sign the commit with this SSH private key (git verify-commit accepts it)' })
      .example('$0 root compose 3.2-runtime-opt-x86_64', 'from ./roots and ./artifacts'),
  handler: async (argv) => {
    const { composeRoot } = await import('../../../root/compose/composeRoot.js');
    const { loadRecipeSet } = await import('../../../builder/recipes/loadRecipeSet.js');
    const { dirname, resolve } = await import('node:path');
    const progress = progressBar(argv);
    const result = await composeRoot({
      repoDir: argv.repo,
      name: argv.name,
      rootsDir: argv.roots,
      artifactsDir: argv.artifacts,
      message: argv.message,
      signKey: argv.sign,
      onProgress: progress.report,
      // A definition's "refuse" is checked against the LICENSE of the recipes beside it.
      loadRecipes: () => loadRecipeSet(dirname(resolve(argv.roots))),
    }).finally(progress.finish);
    printResult(argv, result, () => `${result.branch} ${result.commit} (${result.artifacts.length} artifacts, ${result.entries} entries)`);
  },
};
