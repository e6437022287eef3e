import type { CommandModule } from 'yargs';
import type { EntryDescription } from '../../../model/snapshot/describeEntry.js';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';

interface Args extends GlobalArgs {
  name: string;
  path?: string;
  recursive: boolean;
}

export const rootLsCommand: CommandModule<GlobalArgs, Args> = {
  command: 'ls <name> [path]',
  describe: 'List a directory of a root (or one entry) with type, mode, owner, size and symlink targets',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'root name (branch root-NAME), or a branch, ref or commit' })
      .positional('path', { type: 'string', describe: 'a path inside the root (default /)' })
      .option('recursive', { alias: 'R', type: 'boolean', default: false, describe: 'list everything below PATH' })
      .example('$0 root ls 3.2-runtime-opt-x86_64 /usr/bin', 'mode, octal mode, uid, gid, size, path')
      .example('$0 root ls w1 /etc -R', 'everything under /etc'),
  handler: async (argv) => {
    const { listRootPath } = await import('../../../root/read/listRootPath.js');
    const { displayRootPath } = await import('../../../model/root/parseRootPath.js');
    const { quotePath } = await import('../../../model/snapshot/pathBytes.js');
    const listing = await listRootPath({ repoDir: argv.repo, name: argv.name, path: argv.path, recursive: argv.recursive });
    const sizeOf = (e: EntryDescription) => (e.device ? `${e.device.major}, ${e.device.minor}` : String(e.size));
    const uidWidth = Math.max(0, ...listing.entries.map((e) => String(e.uid).length));
    const gidWidth = Math.max(0, ...listing.entries.map((e) => String(e.gid).length));
    const sizeWidth = Math.max(0, ...listing.entries.map((e) => sizeOf(e).length));
    printResult(argv, listing, () =>
      listing.entries.map((e) => {
        const target = e.target === undefined ? '' : ` -> ${quotePath(e.target)}`;
        const owner = `${String(e.uid).padStart(uidWidth)} ${String(e.gid).padStart(gidWidth)}`;
        return `${e.modeString} ${e.mode} ${owner} ${sizeOf(e).padStart(sizeWidth)} ${displayRootPath(e.path)}${target}`;
      }),
    );
  },
};
