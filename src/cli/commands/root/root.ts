import { defineGroup } from '../defineGroup.js';
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
import { rootUpgradeCommand } from './rootUpgrade.js';
import { rootPolicyCommand } from './rootPolicy.js';

export const rootCommand = defineGroup({
  command: 'root <command>',
  describe: 'Roots as branches: commit, compose, list, log, ls, cat, diff, show, blame, sbom, licenses, sources; deploy them: checkout, status, rollback, undeploy, mount, run, upgrade, policy; local branches: install-local, local, update, reset',
  commands: [
    rootCommitCommand, rootComposeCommand,
    rootListCommand, rootLogCommand, rootLsCommand, rootCatCommand, rootDiffCommand, rootShowCommand, rootBlameCommand, rootSbomCommand, rootLicensesCommand, rootSourcesCommand,
    rootCheckoutCommand, rootStatusCommand, rootRollbackCommand, rootUndeployCommand, rootMountCommand, rootRunCommand, rootUpgradeCommand, rootPolicyCommand,
    rootInstallLocalCommand, rootLocalCommand, rootUpdateCommand, rootResetCommand,
  ],
  examples: [['$0 root list', 'list the roots']],
});
