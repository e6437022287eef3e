import { workspaceOption } from '../../options/workspaceOption.js';
import { defineCommand } from '../defineCommand.js';

export const rootLicensesCommand = defineCommand({
  command: 'licenses <name>',
  describe: "List each component of a root with its license (the recipe's LICENSE as an SPDX expression) and its license files",
  positionals: { name: { type: 'string', demandOption: true, describe: 'root name (branch root-NAME), or a branch, ref or commit' } },
  options: { C: { ...workspaceOption, describe: 'the workspace whose recipes built the root (recipes/, artifacts/)' } },
  examples: [
    ['$0 root licenses 3.2-runtime-opt-x86_64', 'component, version, license, license files and where the root has them'],
    ['$0 root licenses 3.2-runtime-opt-x86_64 --json', 'the same, with SPDX ids and md5 sums'],
  ],
  run: async (args) => {
    const { rootLicenses } = await import('../../../root/read/rootLicenses.js');
    const { loadRecipeSet } = await import('../../../builder/recipes/loadRecipeSet.js');
    const { componentRecipeFacts } = await import('../../../builder/recipes/componentRecipeFacts.js');
    const set = await loadRecipeSet(args.C);
    return rootLicenses({ repoDir: args.repo, name: args.name, facts: componentRecipeFacts(set) });
  },
  text: (result) => {
    const width = Math.max(0, ...result.components.map((c) => `${c.name} ${c.version ?? ''}`.length));
    return [
      ...result.components.flatMap((c) => [
        `${`${c.name} ${c.version ?? ''}`.padEnd(width)}  ${c.license ?? `(unknown: ${c.notes.join('; ')})`}`,
        ...c.licenseFiles.map((f) => `  ${f.path}${f.beginLine ?? f.endLine ? ` lines ${f.beginLine ?? 1}-${f.endLine ?? 'end'}` : ''}${f.inRoot.length ? ` -> ${f.inRoot.join(' ')}` : ''}`),
      ]),
      ...result.bases.map((b) => `${b.branch}  (base root, ${b.paths} paths: its own distribution's licenses)`),
    ];
  },
});
