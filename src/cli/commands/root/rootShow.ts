import { defineCommand } from '../defineCommand.js';

export const rootShowCommand = defineCommand({
  command: 'show <name>',
  describe: "Show a root's commit, what its tree holds, and what it is made of: its base, artifacts and local components, with how many paths each provided",
  positionals: { name: { type: 'string', demandOption: true, describe: 'root name (branch root-NAME), or a branch, ref or commit' } },
  examples: [['$0 root show 3.2-runtime-opt-x86_64', 'commit, author, date, message, tree, entry counts, base, artifacts, local components']],
  daemon: { operation: 'show' },
  run: async (args) => {
    const { showRoot } = await import('../../../root/read/showRoot.js');
    return showRoot({ repoDir: args.repo, name: args.name });
  },
  text: (root) => {
    const e = root.entries;
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    const kinds = [
      count(e.dir, 'directory').replace(/directorys$/, 'directories'), count(e.file, 'file'), count(e.symlink, 'symlink'),
      ...(e.chardev + e.blockdev > 0 ? [count(e.chardev + e.blockdev, 'device')] : []),
      ...(e.fifo > 0 ? [count(e.fifo, 'fifo')] : []),
    ];
    const providers = [...root.bases, ...root.artifacts, ...root.local];
    const countWidth = Math.max(0, ...providers.map((a) => String(a.paths).length));
    const rows = (list: typeof providers) => list.map((a) => `  ${String(a.paths).padStart(countWidth)} paths  ${a.artifact}`);
    return [
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
      ...(providers.length === 0 ? ['Artifacts: none recorded (no manifest)'] : []),
      ...(root.bases.length === 0 ? [] : ['Base:', ...rows(root.bases)]),
      ...(root.artifacts.length === 0 ? [] : [`Artifacts: ${root.artifacts.length}`, ...rows(root.artifacts)]),
      ...(root.local.length === 0 ? [] : [`Local: ${root.local.length}`, ...rows(root.local)]),
    ];
  },
});
