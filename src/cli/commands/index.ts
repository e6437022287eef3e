import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../options/globalArgs.js';
import { artifactCommand } from './artifact/artifact.js';
import { bootstrapCommand } from './build/bootstrap.js';
import { buildCommand } from './build/build.js';
import { buildRootCommand } from './build/buildRoot.js';
import { cacheCommand } from './cache/cache.js';
import { checkoutCommand } from './repository/checkout.js';
import { configCommand } from './config/config.js';
import { daemonCommand } from './daemon/daemon.js';
import { fetchCommand } from './build/fetch.js';
import { fsckCommand } from './repository/fsck.js';
import { initCommand } from './repository/init.js';
import { makeCommand } from './build/make.js';
import { pruneCommand } from './repository/prune.js';
import { publishCommand } from './remote/publish.js';
import { pullCommand } from './remote/pull.js';
import { pushCommand } from './remote/push.js';
import { recipeCommand } from './recipe/recipe.js';
import { remoteCommand } from './remote/remote.js';
import { rootCommand } from './root/root.js';
import { sourceCommand } from './build/source.js';

/** Every top-level command, in the order --help lists them. */
export const commands: Array<CommandModule<GlobalArgs, any>> = [
  initCommand, bootstrapCommand, recipeCommand, fetchCommand, sourceCommand, buildCommand, makeCommand, buildRootCommand, artifactCommand, cacheCommand,
  rootCommand, configCommand, checkoutCommand, remoteCommand, pushCommand, pullCommand, publishCommand, fsckCommand, pruneCommand,
  daemonCommand,
];
