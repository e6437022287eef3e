import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { workspaceOption, type WorkspaceArgs } from '../../options/workspaceOption.js';

interface Args extends GlobalArgs, WorkspaceArgs {
  name: string;
}

export const rootLicensesCommand: CommandModule<GlobalArgs, Args> = {
  command: 'licenses <name>',
  describe: "List each component of a root with its license (the recipe's LICENSE as an SPDX expression) and its license files",
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'root name (branch root-NAME), or a branch, ref or commit' })
      .option('C', { ...workspaceOption, describe: 'the workspace whose recipes built the root (recipes/, artifacts/)' })
      .example('$0 root licenses 3.2-runtime-opt-x86_64', 'component, version, license, license files and where the root has them')
      .example('$0 root licenses 3.2-runtime-opt-x86_64 --json', 'the same, with SPDX ids and md5 sums'),
  handler: async (argv) => {
    const { rootLicenses } = await import('../../../root/read/rootLicenses.js');
    const { loadRecipeSet } = await import('../../../builder/recipes/loadRecipeSet.js');
    const { componentRecipeFacts } = await import('../../../builder/recipes/componentRecipeFacts.js');
    const set = await loadRecipeSet(argv.C);
    const result = await rootLicenses({ repoDir: argv.repo, name: argv.name, facts: componentRecipeFacts(set) });
    const width = Math.max(0, ...result.components.map((c) => `${c.name} ${c.version ?? ''}`.length));
    printResult(argv, result, () => [
      ...result.components.flatMap((c) => [
        `${`${c.name} ${c.version ?? ''}`.padEnd(width)}  ${c.license ?? `(unknown: ${c.notes.join('; ')})`}`,
        ...c.licenseFiles.map((f) => `  ${f.path}${f.beginLine ?? f.endLine ? ` lines ${f.beginLine ?? 1}-${f.endLine ?? 'end'}` : ''}${f.inRoot.length ? ` -> ${f.inRoot.join(' ')}` : ''}`),
      ]),
      ...result.bases.map((b) => `${b.branch}  (base root, ${b.paths} paths: its own distribution's licenses)`),
    ]);
  },
};
