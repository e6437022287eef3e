import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { progressBar } from '../../output/progressBar.js';

interface Args extends GlobalArgs {
  files: string[];
}

export const artifactImportCommand: CommandModule<GlobalArgs, Args> = {
  command: 'import <files..>',
  describe: 'Import artifact tarballs into the store (streamed, no extraction; a second import is a no-op)',
  builder: (y) =>
    y
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'artifact tarballs' })
      .example('$0 artifact import artifacts/*.tar.gz', 'import every artifact'),
  handler: async (argv) => {
    const { importArtifacts } = await import('../../../root/compose/importArtifacts.js');
    const progress = progressBar(argv);
    const result = await importArtifacts({ repoDir: argv.repo, files: argv.files, onProgress: progress.report }).finally(progress.finish);
    printResult(argv, result, () => result.map((a) => `${a.imported ? 'imported' : 'already imported'} ${a.fileName} ${a.commit}`), false);
  },
};
