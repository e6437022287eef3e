import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { progressBar } from '../../output/progressBar.js';

interface Args extends GlobalArgs {
  branch: string;
  tree: string[];
  message?: string;
  sign?: string;
  union: boolean;
}

export const rootCommitCommand: CommandModule<GlobalArgs, Args> = {
  command: 'commit <branch>',
  describe: 'Commit layered trees (directories, tarballs, artifacts, refs) to a branch',
  builder: (y) =>
    y
      .positional('branch', { type: 'string', demandOption: true, describe: 'branch to commit to (refs/heads/BRANCH; roots use root-NAME; not HEAD, local/*, base/* or a full refs/ name)' })
      .option('tree', { type: 'string', array: true, demandOption: true, describe: 'a layer: dir=DIR, tar=FILE, artifact=FILE or ref=REF; repeat, later layers on top' })
      .option('message', { alias: 'm', type: 'string', describe: 'commit message' })
      .option('sign', { type: 'string', describe: 'sign the commit with this SSH private key (git verify-commit accepts it)' })
      .option('union', { type: 'boolean', default: false, describe: 'let later layers win where two provide one path differently' })
      .example('$0 root commit root-w1 --tree dir=/srv/rootfs', 'commit a directory')
      .example('$0 root commit test --tree ref=root-w1 --tree tar=extra.tar.gz --union', 'layer a tarball over a root'),
  handler: printRootCommit,
};

/** The handler, also run by main's quick path (see quickCommands). */
export async function printRootCommit(argv: Args): Promise<void> {
  const { commitLayers } = await import('../../../store/snapshot/commitLayers.js');
  const { parseTreeLayerSpec } = await import('../../../model/snapshot/treeLayerSpec.js');
  const { validateUserBranchName } = await import('../../../model/git/refName.js');
  const branch = validateUserBranchName(argv.branch);
  const progress = progressBar(argv);
  const result = await commitLayers({
    repoDir: argv.repo,
    branch,
    layers: argv.tree.map(parseTreeLayerSpec),
    message: argv.message,
    signKey: argv.sign,
    union: argv.union,
    onProgress: progress.report,
  }).finally(progress.finish);
  printResult(argv, result, () => `${result.branch} ${result.commit} (${result.entries} entries, tree ${result.tree})`);
}
