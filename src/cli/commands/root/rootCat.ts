import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';

interface Args extends GlobalArgs {
  name: string;
  path: string;
}

export const rootCatCommand: CommandModule<GlobalArgs, Args> = {
  command: 'cat <name> <path>',
  describe: "Print a file of a root to stdout, byte for byte (symlinks are not followed)",
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'root name (branch root-NAME), or a branch, ref or commit' })
      .positional('path', { type: 'string', demandOption: true, describe: 'a regular file inside the root' })
      .example('$0 root cat 3.2-runtime-opt-x86_64 /etc/os-release', 'the file as stored')
      .example('$0 root cat w1 /usr/bin/ls > ls', 'binary content is written unchanged'),
  handler: async (argv) => {
    const { catRootFile } = await import('../../../root/read/catRootFile.js');
    const file = await catRootFile({ repoDir: argv.repo, name: argv.name, path: argv.path });
    if (argv.json) {
      const { content, ...rest } = file;
      printResult(argv, { ...rest, size: content.length, encoding: 'base64', content: content.toString('base64') }, () => '');
      return;
    }
    process.stdout.write(file.content);
  },
};
