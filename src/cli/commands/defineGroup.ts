import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../options/globalArgs.js';

/** A command that only groups others (`hacktree root …`): it runs nothing itself, and wants one of them named. */
export function defineGroup(group: {
  command: string;
  describe: string;
  commands: Array<CommandModule<GlobalArgs, any>>;
  examples: Array<[command: string, description: string]>;
}): CommandModule<GlobalArgs, GlobalArgs> {
  return {
    command: group.command,
    describe: group.describe,
    builder: (y) => {
      let built = y;
      for (const command of group.commands) built = built.command(command);
      built = built.demandCommand(1);
      for (const [command, description] of group.examples) built = built.example(command, description);
      return built;
    },
    handler: () => {},
  };
}
