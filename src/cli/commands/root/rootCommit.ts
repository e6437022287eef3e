import { defineCommand } from '../defineCommand.js';

export const rootCommitCommand = defineCommand({
  command: 'commit <branch>',
  describe: 'Commit layered trees (directories, tarballs, artifacts, refs) to a branch',
  positionals: { branch: { type: 'string', demandOption: true, describe: 'branch to commit to (refs/heads/BRANCH; roots use root-NAME; not HEAD, local/*, base/* or a full refs/ name)' } },
  options: {
    tree: { type: 'string', array: true, demandOption: true, describe: 'a layer: dir=DIR, tar=FILE, artifact=FILE or ref=REF; repeat, later layers on top' },
    message: { alias: 'm', type: 'string', describe: 'commit message' },
    sign: { type: 'string', describe: 'sign the commit with this SSH private key (git verify-commit accepts it)' },
    union: { type: 'boolean', default: false, describe: 'let later layers win where two provide one path differently' },
  },
  examples: [
    ['$0 root commit root-w1 --tree dir=/srv/rootfs', 'commit a directory'],
    ['$0 root commit test --tree ref=root-w1 --tree tar=extra.tar.gz --union', 'layer a tarball over a root'],
  ],
  run: async (args, ui) => {
    const { commitLayers } = await import('../../../store/snapshot/commitLayers.js');
    const { parseTreeLayerSpec } = await import('../../../model/snapshot/treeLayerSpec.js');
    const { validateUserBranchName } = await import('../../../model/git/refName.js');
    const branch = validateUserBranchName(args.branch);
    const layers = args.tree.map(parseTreeLayerSpec);
    return commitLayers({ repoDir: args.repo, branch, layers, message: args.message, signKey: args.sign, union: args.union, onProgress: ui.progress });
  },
  text: (result) => `${result.branch} ${result.commit} (${result.entries} entries, tree ${result.tree})`,
});

/** The handler, also run by main's quick path (see quickCommands). */
export const printRootCommit = rootCommitCommand.handler;
