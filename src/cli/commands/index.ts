import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../globalArgs.js';
import { initCommand } from './init.js';

/** Every top-level command, in the order --help lists them. */
export const commands: Array<CommandModule<GlobalArgs, any>> = [initCommand];
