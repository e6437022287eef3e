import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../globalArgs.js';
import { artifactCommand } from './artifact.js';
import { bootstrapCommand } from './bootstrap.js';
import { buildCommand } from './build.js';
import { cacheCommand } from './cache.js';
import { checkoutCommand } from './checkout.js';
import { configCommand } from './config.js';
import { fetchCommand } from './fetch.js';
import { fsckCommand } from './fsck.js';
import { initCommand } from './init.js';
import { makeCommand } from './make.js';
import { pruneCommand } from './prune.js';
import { pullCommand } from './pull.js';
import { pushCommand } from './push.js';
import { recipeCommand } from './recipe.js';
import { remoteCommand } from './remote.js';
import { rootCommand } from './root.js';
import { sourceCommand } from './source.js';

/** Every top-level command, in the order --help lists them. */
export const commands: Array<CommandModule<GlobalArgs, any>> = [
  initCommand, bootstrapCommand, recipeCommand, fetchCommand, sourceCommand, buildCommand, makeCommand, artifactCommand, cacheCommand,
  rootCommand, configCommand, checkoutCommand, remoteCommand, pushCommand, pullCommand, fsckCommand, pruneCommand,
];
