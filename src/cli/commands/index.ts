import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../globalArgs.js';
import { artifactCommand } from './artifact.js';
import { checkoutCommand } from './checkout.js';
import { configCommand } from './config.js';
import { fsckCommand } from './fsck.js';
import { initCommand } from './init.js';
import { pullCommand } from './pull.js';
import { pushCommand } from './push.js';
import { remoteCommand } from './remote.js';
import { rootCommand } from './root.js';

/** Every top-level command, in the order --help lists them. */
export const commands: Array<CommandModule<GlobalArgs, any>> = [initCommand, artifactCommand, rootCommand, configCommand, checkoutCommand, fsckCommand, remoteCommand, pushCommand, pullCommand];
