import { defineGroup } from '../defineGroup.js';
import { configApplyCommand } from './configApply.js';
import { configDiffCommand } from './configDiff.js';

export const configCommand = defineGroup({
  command: 'config <command>',
  describe: 'config.d: run an admin\'s scripts on a shadow of a deployed root and commit what they change',
  commands: [configApplyCommand, configDiffCommand],
  examples: [['$0 config apply 3.2-runtime-opt-x86_64', 'run the root\'s config.d scripts and redeploy']],
});
