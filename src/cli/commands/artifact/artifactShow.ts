import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';

interface Args extends GlobalArgs {
  name: string;
}

export const artifactShowCommand: CommandModule<GlobalArgs, Args> = {
  command: 'show <name>',
  describe: 'Show an imported artifact: its metadata and entries',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'file name or sha256 (prefix of 8+ digits)' })
      .example('$0 artifact show zlib-runtime,b=opt,o=master,r=3.2-opt-x86_64,v=1.3,.tar.gz', 'by file name'),
  handler: async (argv) => {
    const { showArtifact } = await import('../../../root/read/listArtifacts.js');
    const { quotePath } = await import('../../../model/snapshot/pathBytes.js');
    const a = await showArtifact({ repoDir: argv.repo, name: argv.name });
    printResult(argv, a, () => [
      `artifact ${a.fileName}`,
      `sha256   ${a.sha256}`,
      `size     ${a.size}`,
      `commit   ${a.commit}`,
      ...Object.entries(a.parsed.keys).map(([k, v]) => `${k.padEnd(8)} ${v}`),
      '',
      ...a.entries.map((e) => `${e.kind.padEnd(8)} ${e.mode.toString(8).padStart(4, '0')} ${e.uid}:${e.gid} ${quotePath(e.path)}`),
    ]);
  },
};
