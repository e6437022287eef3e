import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';

export const artifactListCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'list',
  describe: 'List imported artifacts',
  builder: (y) => y.example('$0 artifact list --json', 'as JSON'),
  handler: async (argv) => {
    const { listArtifacts } = await import('../../../root/read/listArtifacts.js');
    const artifacts = await listArtifacts({ repoDir: argv.repo });
    printResult(argv, artifacts, () => artifacts.map((a) => `${a.sha256.slice(0, 12)} ${String(a.entries).padStart(6)} ${a.fileName}`));
  },
};
