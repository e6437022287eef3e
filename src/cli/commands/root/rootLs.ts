import type { EntryDescription } from '../../../model/snapshot/describeEntry.js';
import { quotePath } from '../../../model/snapshot/pathBytes.js';
import { defineCommand } from '../defineCommand.js';

export const rootLsCommand = defineCommand({
  command: 'ls <name> [path]',
  describe: 'List a directory of a root (or one entry) with type, mode, owner, size and symlink targets',
  positionals: {
    name: { type: 'string', demandOption: true, describe: 'root name (branch root-NAME), or a branch, ref or commit' },
    path: { type: 'string', describe: 'a path inside the root (default /)' },
  },
  options: { recursive: { alias: 'R', type: 'boolean', default: false, describe: 'list everything below PATH' } },
  examples: [
    ['$0 root ls 3.2-runtime-opt-x86_64 /usr/bin', 'mode, octal mode, uid, gid, size, path'],
    ['$0 root ls w1 /etc -R', 'everything under /etc'],
  ],
  daemon: { operation: 'ls' },
  run: async (args) => {
    const { listRootPath } = await import('../../../root/read/listRootPath.js');
    return listRootPath({ repoDir: args.repo, name: args.name, path: args.path, recursive: args.recursive });
  },
  text: async (listing) => {
    const { displayRootPath } = await import('../../../model/root/parseRootPath.js');
    const sizeOf = (e: EntryDescription) => (e.device ? `${e.device.major}, ${e.device.minor}` : String(e.size));
    const uidWidth = Math.max(0, ...listing.entries.map((e) => String(e.uid).length));
    const gidWidth = Math.max(0, ...listing.entries.map((e) => String(e.gid).length));
    const sizeWidth = Math.max(0, ...listing.entries.map((e) => sizeOf(e).length));
    return listing.entries.map((e) => {
      const target = e.target === undefined ? '' : ` -> ${quotePath(e.target)}`;
      const owner = `${String(e.uid).padStart(uidWidth)} ${String(e.gid).padStart(gidWidth)}`;
      return `${e.modeString} ${e.mode} ${owner} ${sizeOf(e).padStart(sizeWidth)} ${displayRootPath(e.path)}${target}`;
    });
  },
});
