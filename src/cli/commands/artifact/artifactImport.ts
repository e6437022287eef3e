import { defineCommand } from '../defineCommand.js';

export const artifactImportCommand = defineCommand({
  command: 'import <files..>',
  describe: 'Import artifact tarballs into the store (streamed, no extraction; a second import is a no-op)',
  positionals: { files: { type: 'string', array: true, demandOption: true, describe: 'artifact tarballs' } },
  examples: [['$0 artifact import artifacts/*.tar.gz', 'import every artifact']],
  output: 'summary',
  run: async (args, ui) => {
    const { importArtifacts } = await import('../../../root/compose/importArtifacts.js');
    return importArtifacts({ repoDir: args.repo, files: args.files, onProgress: ui.progress });
  },
  text: (result) => result.map((a) => `${a.imported ? 'imported' : 'already imported'} ${a.fileName} ${a.commit}`),
});
