import type { CommandModule } from 'yargs';
import { describeRedeploy } from '../../output/describeRedeploy.js';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { progressBar } from '../../output/progressBar.js';
import { rootOrEnvironment } from '../../options/rootOrEnvironment.js';
import { prefixOption } from '../../options/prefixOption.js';

interface Args extends GlobalArgs {
  artifacts: string[];
  root?: string;
  prefix?: string;
  deploy: boolean;
}

export const rootInstallLocalCommand: CommandModule<GlobalArgs, Args> = {
  command: 'install-local <artifacts..>',
  describe: 'Install local artifacts (o=local) on local/root-NAME in place of their components, commit, and redeploy',
  builder: (y) =>
    y
      .positional('artifacts', { type: 'string', array: true, demandOption: true, describe: 'local artifact tarballs (o=local, r= of the root, b= opt or debug)' })
      .option('root', { type: 'string', describe: 'the root: a name, or the public path of its deployment (default: HACKTREE_ROOT)' })
      .option('prefix', prefixOption)
      .option('deploy', { type: 'boolean', default: true, describe: 'redeploy the root if it is deployed at the prefix (--no-deploy: commit only)' })
      .example('$0 root install-local zlib-runtime,b=opt,o=local,r=3.2-opt-x86_64,v=1.3,.tar.gz --root 3.2-runtime-opt-x86_64', 'replace zlib in the runtime root, and redeploy it')
      .example('HACKTREE_ROOT=3.2-devel-opt-x86_64 $0 root install-local out/*.tar.gz --no-deploy', 'commit on the local branch only'),
  handler: async (argv) => {
    const { name, prefix } = rootOrEnvironment(argv.root, argv.prefix, 'root install-local');
    const { installLocal } = await import('../../../root/local/installLocal.js');
    const progress = progressBar(argv);
    const result = await installLocal({
      repoDir: argv.repo,
      name,
      files: argv.artifacts,
      prefix,
      deploy: argv.deploy,
      onProgress: progress.report,
    }).finally(progress.finish);
    printResult(argv, result, () => [
      result.committed
        ? `${result.branch} ${result.commit}${result.created ? ' (new local branch)' : ''}: installed ${result.installed.join(' ')}`
        : `${result.branch} ${result.commit}: already installed, nothing committed`,
      ...(result.committed ? result.replaced.map((a) => `  replaced ${a}`) : []),
      ...(result.committed ? result.droppedDevel.map((d) => `  dropped ${d.artifact}: ${d.reason}`) : []),
      describeRedeploy(result.deploy),
    ], false);
  },
};
