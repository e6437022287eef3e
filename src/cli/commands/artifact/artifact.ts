import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { artifactImportCommand } from './artifactImport.js';
import { artifactListCommand } from './artifactList.js';
import { artifactPackCommand } from './artifactPack.js';
import { artifactShowCommand } from './artifactShow.js';

export const artifactCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'artifact <command>',
  describe: 'Artifacts: pack an installed tree, import tarballs, list and show them',
  builder: (y) =>
    y
      .command(artifactPackCommand)
      .command(artifactImportCommand)
      .command(artifactListCommand)
      .command(artifactShowCommand)
      .demandCommand(1)
      .example('$0 artifact list', 'list imported artifacts'),
  handler: () => {},
};
