import { defineCommand } from '../defineCommand.js';

export const rootCatCommand = defineCommand({
  command: 'cat <name> <path>',
  describe: "Print a file of a root to stdout, byte for byte (symlinks are not followed)",
  positionals: {
    name: { type: 'string', demandOption: true, describe: 'root name (branch root-NAME), or a branch, ref or commit' },
    path: { type: 'string', demandOption: true, describe: 'a regular file inside the root' },
  },
  examples: [
    ['$0 root cat 3.2-runtime-opt-x86_64 /etc/os-release', 'the file as stored'],
    ['$0 root cat w1 /usr/bin/ls > ls', 'binary content is written unchanged'],
  ],
  daemon: { operation: 'cat', bytes: ['content'] },
  run: async (args) => {
    const { catRootFile } = await import('../../../root/read/catRootFile.js');
    return catRootFile({ repoDir: args.repo, name: args.name, path: args.path });
  },
  json: ({ content, ...rest }) => ({ ...rest, size: content.length, encoding: 'base64', content: content.toString('base64') }),
  text: (file) => file.content,
});
