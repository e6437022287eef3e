import { defineCommand } from '../defineCommand.js';

export const rootComposeCommand = defineCommand({
  command: 'compose <name>',
  describe: 'Compose root-NAME from its definition in roots/ and the newest matching artifacts',
  positionals: { name: { type: 'string', demandOption: true, describe: 'VERSION-KIND-FLAVOR-ARCH, e.g. 3.2-runtime-opt-x86_64' } },
  options: {
    roots: { type: 'string', default: 'roots', describe: 'directory of root definitions (VERSION.json)' },
    artifacts: { type: 'string', default: 'artifacts', describe: 'directory of artifact tarballs' },
    message: { alias: 'm', type: 'string', describe: 'commit message' },
    sign: { type: 'string', describe: 'sign the commit with this SSH private key (git verify-commit accepts it)' },
  },
  examples: [['$0 root compose 3.2-runtime-opt-x86_64', 'from ./roots and ./artifacts']],
  run: async (args, ui) => {
    const { composeRoot } = await import('../../../root/compose/composeRoot.js');
    const { loadRecipeSet } = await import('../../../builder/recipes/loadRecipeSet.js');
    const { dirname, resolve } = await import('node:path');
    const { name, message } = args;
    return composeRoot({
      repoDir: args.repo,
      name,
      rootsDir: args.roots,
      artifactsDir: args.artifacts,
      message,
      signKey: args.sign,
      onProgress: ui.progress,
      // A definition's "refuse" is checked against the LICENSE of the recipes beside it.
      loadRecipes: () => loadRecipeSet(dirname(resolve(args.roots))),
    });
  },
  text: (result) => `${result.branch} ${result.commit} (${result.artifacts.length} artifacts, ${result.entries} entries${result.created ? '' : '; unchanged, nothing committed'})`,
});
