import { workspaceOption } from '../../options/workspaceOption.js';
import { defineCommand } from '../defineCommand.js';

export const rootSbomCommand = defineCommand({
  command: 'sbom <name>',
  describe: "Write a root's software bill of materials (SPDX 2.3 or CycloneDX 1.5 JSON): its components with license, sources and build id, its base, and every file with its checksums",
  positionals: { name: { type: 'string', demandOption: true, describe: 'root name (branch root-NAME), or a branch, ref or commit' } },
  options: {
    format: { choices: ['spdx', 'cyclonedx'] as const, default: 'spdx' as const, describe: 'SPDX 2.3 JSON or CycloneDX 1.5 JSON' },
    out: { type: 'string', describe: 'write the document to FILE (atomically) instead of standard output' },
    C: {
      ...workspaceOption,
      default: undefined,
      defaultDescription: 'the current directory when it has recipes/, else none (recipe facts NOASSERTION)',
      describe: "the workspace whose recipes and build records the root's components are matched with (by name and version)",
    },
  },
  examples: [
    ['$0 root sbom 3.2-runtime-opt-x86_64 -C ~/ws > root.spdx.json', 'SPDX 2.3, licenses and sources from the workspace'],
    ['SOURCE_DATE_EPOCH=1700000000 $0 root sbom 3.2-runtime-opt-x86_64 --format cyclonedx --out root.cdx.json', 'CycloneDX 1.5, the same bytes every time'],
  ],
  run: async (args, ui) => {
    const { existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { loadRecipeSet } = await import('../../../builder/recipes/loadRecipeSet.js');
    const { componentRecipeFacts } = await import('../../../builder/recipes/componentRecipeFacts.js');
    const { sbomCreationTime } = await import('../../../model/sbom/sbomCreationTime.js');
    const { rootSbom } = await import('../../../root/sbom/rootSbom.js');
    const { writeFileDurably } = await import('../../../platform/fs/writeFileDurably.js');
    const { hacktreeVersion } = await import('../../hacktreeVersion.js');
    const created = sbomCreationTime(process.env, new Date());
    const workspace = args.C ?? (existsSync(join('.', 'recipes')) ? '.' : undefined);
    const facts = workspace === undefined ? undefined : componentRecipeFacts(await loadRecipeSet(workspace));
    const sbom = await rootSbom({ repoDir: args.repo, name: args.name, format: args.format, facts, created, toolVersion: hacktreeVersion() });
    for (const component of sbom.root.components) {
      const what = `${component.name}${component.version === null ? '' : ` ${component.version}`}`;
      for (const note of component.notes) ui.note(`hacktree: note: ${what}: ${note}; its license and sources are NOASSERTION`);
      for (const warning of component.recipe?.license.warnings ?? []) if (args.verbose) ui.note(`hacktree: note: ${warning}`);
    }
    if (args.out === undefined) return { document: sbom.document };
    writeFileDurably(args.out, sbom.document);
    const files = sbom.root.paths.filter((p) => p.kind === 'file').length;
    return { summary: { out: args.out, format: args.format, commit: sbom.root.commit, components: sbom.root.components.length, bases: sbom.root.bases.length, files } };
  },
  // The document is JSON already: it goes out as it is, with --json too; with --out, a summary.
  json: (result) => result.summary ?? JSON.parse(result.document!),
  text: (result) =>
    result.summary === undefined
      ? Buffer.from(result.document!)
      : `wrote ${result.summary.out} (${result.summary.format}): ${result.summary.components} components, ${result.summary.bases} bases, ${result.summary.files} files of ${result.summary.commit}`,
});
