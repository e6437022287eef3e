import { prefixOption } from '../../options/prefixOption.js';
import { rootOrEnvironment } from '../../options/rootOrEnvironment.js';
import { describeRedeploy } from '../../output/describeRedeploy.js';
import { defineCommand } from '../defineCommand.js';

export const rootInstallLocalCommand = defineCommand({
  command: 'install-local <artifacts..>',
  describe: 'Install local artifacts (o=local) on local/root-NAME in place of their components, commit, and redeploy',
  positionals: { artifacts: { type: 'string', array: true, demandOption: true, describe: 'local artifact tarballs (o=local, r= of the root, b= opt or debug)' } },
  options: {
    root: { type: 'string', describe: 'the root: a name, or the public path of its deployment (default: HACKTREE_ROOT)' },
    prefix: prefixOption,
    deploy: { type: 'boolean', default: true, describe: 'redeploy the root if it is deployed at the prefix (--no-deploy: commit only)' },
  },
  examples: [
    ['$0 root install-local zlib-runtime,b=opt,o=local,r=3.2-opt-x86_64,v=1.3,.tar.gz --root 3.2-runtime-opt-x86_64', 'replace zlib in the runtime root, and redeploy it'],
    ['HACKTREE_ROOT=3.2-devel-opt-x86_64 $0 root install-local out/*.tar.gz --no-deploy', 'commit on the local branch only'],
  ],
  output: 'summary',
  daemon: { operation: 'install-local', paths: ['artifacts'] },
  run: async (args, ui) => {
    const { name, prefix } = rootOrEnvironment(args.root, args.prefix, 'root install-local');
    const { installLocal } = await import('../../../root/local/installLocal.js');
    return installLocal({ repoDir: args.repo, name, files: args.artifacts, prefix, deploy: args.deploy, onProgress: ui.progress });
  },
  text: (result) => [
    result.committed
      ? `${result.branch} ${result.commit}${result.created ? ' (new local branch)' : ''}: installed ${result.installed.join(' ')}`
      : `${result.branch} ${result.commit}: already installed, nothing committed`,
    ...(result.committed ? result.replaced.map((a) => `  replaced ${a}`) : []),
    ...(result.committed ? result.droppedDevel.map((d) => `  dropped ${d.artifact}: ${d.reason}`) : []),
    describeRedeploy(result.deploy),
  ],
});
