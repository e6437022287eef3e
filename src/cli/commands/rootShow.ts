import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../globalArgs.js';
import { printResult } from '../output.js';

interface Args extends GlobalArgs {
  name: string;
}

export const rootShowCommand: CommandModule<GlobalArgs, Args> = {
  command: 'show <name>',
  describe: "Show a root's commit, what its tree holds, and which artifacts provided how many paths",
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'root name (branch root-NAME), or a branch, ref or commit' })
      .example('$0 root show 3.2-runtime-opt-x86_64', 'commit, author, date, message, tree, entry counts, artifacts'),
  handler: async (argv) => {
    const { showRoot } = await import('../../root/showRoot.js');
    const root = await showRoot({ repoDir: argv.repo, name: argv.name });
    const e = root.entries;
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    const kinds = [
      count(e.dir, 'directory').replace(/directorys$/, 'directories'), count(e.file, 'file'), count(e.symlink, 'symlink'),
      ...(e.chardev + e.blockdev > 0 ? [count(e.chardev + e.blockdev, 'device')] : []),
      ...(e.fifo > 0 ? [count(e.fifo, 'fifo')] : []),
    ];
    const countWidth = Math.max(0, ...root.artifacts.map((a) => String(a.paths).length));
    printResult(argv, root, () => [
      `commit ${root.commit}`,
      ...(root.ref ? [`Ref:     ${root.ref}`] : []),
      ...root.parents.map((p) => `Parent:  ${p}`),
      `Author:  ${root.author.name} <${root.author.email}>`,
      `Date:    ${root.date}`,
      `Tree:    ${root.tree}`,
      '',
      ...root.message.split('\n').map((line) => (line === '' ? '' : `    ${line}`)),
      '',
      `Entries: ${e.total} (${kinds.join(', ')})`,
      `Size:    ${root.totalSize} bytes in files`,
      ...(root.artifacts.length === 0
        ? ['Artifacts: none recorded (no manifest)']
        : [`Artifacts: ${root.artifacts.length}`, ...root.artifacts.map((a) => `  ${String(a.paths).padStart(countWidth)} paths  ${a.artifact}`)]),
    ]);
  },
};
