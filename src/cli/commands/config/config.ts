import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { configApplyCommand } from './configApply.js';
import { configDiffCommand } from './configDiff.js';

export const configCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'config <command>',
  describe: 'config.d: run an admin\'s scripts on a shadow of a deployed root and commit what they change',
  builder: (y) =>
    y
      .command(configApplyCommand)
      .command(configDiffCommand)
      .demandCommand(1)
      .example('$0 config apply 3.2-runtime-opt-x86_64', 'run the root\'s config.d scripts and redeploy'),
  handler: () => {},
};
