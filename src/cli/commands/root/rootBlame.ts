import { defineCommand } from '../defineCommand.js';

export const rootBlameCommand = defineCommand({
  command: 'blame <name> <path>',
  describe: 'Say which artifact provided a path of a root (for a directory: everything under it)',
  positionals: {
    name: { type: 'string', demandOption: true, describe: 'root name (branch root-NAME), or a branch, ref or commit' },
    path: { type: 'string', demandOption: true, describe: 'a path inside the root' },
  },
  examples: [
    ['$0 root blame 3.2-runtime-opt-x86_64 /usr/lib/libgdk_pixbuf-2.0.so.0', 'the artifact that shipped the file'],
    ['$0 root blame 3.2-runtime-opt-x86_64 /usr/share/locale', 'the artifacts that filled a directory'],
  ],
  daemon: { operation: 'blame' },
  run: async (args) => {
    const { blameRootPath } = await import('../../../root/read/blameRootPath.js');
    const { displayRootPath } = await import('../../../model/root/parseRootPath.js');
    const blame = await blameRootPath({ repoDir: args.repo, name: args.name, path: args.path });
    return { blame, shown: displayRootPath(blame.path) };
  },
  json: ({ blame }) => blame,
  text: ({ blame, shown }) => {
    if (blame.kind !== 'dir') {
      return `${shown}\t${blame.artifact ?? '(not from an artifact: a non-artifact layer such as a directory or tarball)'}`;
    }
    const width = Math.max(0, ...(blame.artifacts ?? []).map((a) => String(a.paths).length), String(blame.fromOtherLayers ?? 0).length);
    return [
      `${shown.endsWith('/') ? shown : `${shown}/`} holds entries from:`,
      ...(blame.artifacts ?? []).map((a) => `  ${String(a.paths).padStart(width)} paths  ${a.artifact}`),
      ...(blame.fromOtherLayers ? [`  ${String(blame.fromOtherLayers).padStart(width)} paths  (non-artifact layers)`] : []),
    ];
  },
});
