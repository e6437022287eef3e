import { defineCommand } from '../defineCommand.js';

export const artifactListCommand = defineCommand({
  command: 'list',
  describe: 'List imported artifacts',
  examples: [['$0 artifact list --json', 'as JSON']],
  daemon: { operation: 'artifact-list' },
  run: async (args) => {
    const { listArtifacts } = await import('../../../root/read/listArtifacts.js');
    return listArtifacts({ repoDir: args.repo });
  },
  text: (artifacts) => artifacts.map((a) => `${a.sha256.slice(0, 12)} ${String(a.entries).padStart(6)} ${a.fileName}`),
});
