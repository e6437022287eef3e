import { quotePath } from '../../../model/snapshot/pathBytes.js';
import { defineCommand } from '../defineCommand.js';

export const artifactShowCommand = defineCommand({
  command: 'show <name>',
  describe: 'Show an imported artifact: its metadata and entries',
  positionals: { name: { type: 'string', demandOption: true, describe: 'file name or sha256 (prefix of 8+ digits)' } },
  examples: [['$0 artifact show zlib-runtime,b=opt,o=master,r=3.2-opt-x86_64,v=1.3,.tar.gz', 'by file name']],
  daemon: { operation: 'artifact-show' },
  run: async (args) => {
    const { showArtifact } = await import('../../../root/read/listArtifacts.js');
    return showArtifact({ repoDir: args.repo, name: args.name });
  },
  text: (a) => [
    `artifact ${a.fileName}`,
    `sha256   ${a.sha256}`,
    `size     ${a.size}`,
    `commit   ${a.commit}`,
    ...Object.entries(a.parsed.keys).map(([k, v]) => `${k.padEnd(8)} ${v}`),
    '',
    ...a.entries.map((e) => `${e.kind.padEnd(8)} ${e.mode.toString(8).padStart(4, '0')} ${e.uid}:${e.gid} ${quotePath(e.path)}`),
  ],
});
