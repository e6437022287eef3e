import { defineGroup } from '../defineGroup.js';
import { artifactImportCommand } from './artifactImport.js';
import { artifactListCommand } from './artifactList.js';
import { artifactPackCommand } from './artifactPack.js';
import { artifactShowCommand } from './artifactShow.js';

export const artifactCommand = defineGroup({
  command: 'artifact <command>',
  describe: 'Artifacts: pack an installed tree, import tarballs, list and show them',
  commands: [artifactPackCommand, artifactImportCommand, artifactListCommand, artifactShowCommand],
  examples: [['$0 artifact list', 'list imported artifacts']],
});
