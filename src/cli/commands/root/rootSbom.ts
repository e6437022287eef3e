import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { workspaceOption } from '../../options/workspaceOption.js';

interface Args extends GlobalArgs {
  name: string;
  format: 'spdx' | 'cyclonedx';
  out?: string;
  C?: string;
}

export const rootSbomCommand: CommandModule<GlobalArgs, Args> = {
  command: 'sbom <name>',
  describe: "Write a root's software bill of materials (SPDX 2.3 or CycloneDX 1.5 JSON): its components with license, sources and build id, its base, and every file with its checksums",
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'root name (branch root-NAME), or a branch, ref or commit' })
      .option('format', { choices: ['spdx', 'cyclonedx'] as const, default: 'spdx' as const, describe: 'SPDX 2.3 JSON or CycloneDX 1.5 JSON' })
      .option('out', { type: 'string', describe: 'write the document to FILE (atomically) instead of standard output' })
      .option('C', {
        ...workspaceOption,
        default: undefined,
        defaultDescription: 'the current directory when it has recipes/, else none (recipe facts NOASSERTION)',
        describe: "the workspace whose recipes and build records the root's components are matched with (by name and version)",
      })
      .example('$0 root sbom 3.2-runtime-opt-x86_64 -C ~/ws > root.spdx.json', 'SPDX 2.3, licenses and sources from the workspace')
      .example('SOURCE_DATE_EPOCH=1700000000 $0 root sbom 3.2-runtime-opt-x86_64 --format cyclonedx --out root.cdx.json', 'CycloneDX 1.5, the same bytes every time'),
  handler: async (argv) => {
    const { existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { loadRecipeSet } = await import('../../../builder/recipes/loadRecipeSet.js');
    const { componentRecipeFacts } = await import('../../../builder/recipes/componentRecipeFacts.js');
    const { sbomCreationTime } = await import('../../../model/sbom/sbomCreationTime.js');
    const { rootSbom } = await import('../../../root/sbom/rootSbom.js');
    const { writeFileDurably } = await import('../../../platform/fs/writeFileDurably.js');
    const { hacktreeVersion } = await import('../../hacktreeVersion.js');
    const created = sbomCreationTime(process.env, new Date());
    const workspace = argv.C ?? (existsSync(join('.', 'recipes')) ? '.' : undefined);
    const facts = workspace === undefined ? undefined : componentRecipeFacts(await loadRecipeSet(workspace));
    const sbom = await rootSbom({ repoDir: argv.repo, name: argv.name, format: argv.format, facts, created, toolVersion: hacktreeVersion() });
    for (const component of sbom.root.components) {
      const what = `${component.name}${component.version === null ? '' : ` ${component.version}`}`;
      for (const note of component.notes) if (!argv.quiet) process.stderr.write(`hacktree: note: ${what}: ${note}; its license and sources are NOASSERTION\n`);
      for (const warning of component.recipe?.license.warnings ?? []) if (argv.verbose) process.stderr.write(`hacktree: note: ${warning}\n`);
    }
    if (argv.out === undefined) {
      process.stdout.write(sbom.document);
      return;
    }
    writeFileDurably(argv.out, sbom.document);
    const files = sbom.root.paths.filter((p) => p.kind === 'file').length;
    const summary = { out: argv.out, format: argv.format, commit: sbom.root.commit, components: sbom.root.components.length, bases: sbom.root.bases.length, files };
    printResult(argv, summary, () => `wrote ${argv.out} (${argv.format}): ${summary.components} components, ${summary.bases} bases, ${files} files of ${sbom.root.commit}`, false);
  },
};
