import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { rootBlameCommand } from './rootBlame.js';
import { rootCheckoutCommand } from './rootCheckout.js';
import { rootCatCommand } from './rootCat.js';
import { rootCommitCommand } from './rootCommit.js';
import { rootComposeCommand } from './rootCompose.js';
import { rootDiffCommand } from './rootDiff.js';
import { rootListCommand } from './rootList.js';
import { rootLogCommand } from './rootLog.js';
import { rootInstallLocalCommand } from './rootInstallLocal.js';
import { rootLicensesCommand } from './rootLicenses.js';
import { rootLocalCommand } from './rootLocal.js';
import { rootLsCommand } from './rootLs.js';
import { rootMountCommand } from './rootMount.js';
import { rootRollbackCommand } from './rootRollback.js';
import { rootRunCommand } from './rootRun.js';
import { rootResetCommand } from './rootReset.js';
import { rootSbomCommand } from './rootSbom.js';
import { rootShowCommand } from './rootShow.js';
import { rootSourcesCommand } from './rootSources.js';
import { rootStatusCommand } from './rootStatus.js';
import { rootUndeployCommand } from './rootUndeploy.js';
import { rootUpdateCommand } from './rootUpdate.js';

export const rootCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'root <command>',
  describe: 'Roots as branches: commit, compose, list, log, ls, cat, diff, show, blame, sbom, licenses, sources; deploy them: checkout, status, rollback, undeploy, mount, run; local branches: install-local, local, update, reset',
  builder: (y) => y.command(rootCommitCommand).command(rootComposeCommand)
      .command(rootListCommand).command(rootLogCommand).command(rootLsCommand).command(rootCatCommand)
      .command(rootDiffCommand).command(rootShowCommand).command(rootBlameCommand).command(rootSbomCommand)
      .command(rootLicensesCommand).command(rootSourcesCommand)
      .command(rootCheckoutCommand).command(rootStatusCommand).command(rootRollbackCommand).command(rootUndeployCommand)
      .command(rootMountCommand).command(rootRunCommand)
      .command(rootInstallLocalCommand).command(rootLocalCommand).command(rootUpdateCommand).command(rootResetCommand)
      .demandCommand(1).example('$0 root list', 'list the roots'),
  handler: () => {},
};
