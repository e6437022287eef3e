import type { Options, PositionalOptions } from 'yargs';
import { prefixOption } from '../../options/prefixOption.js';
import type { LocalBranchOptions } from '../../../root/local/redeployLocal.js';
import type { CommandArgs, CommandUi } from '../defineCommand.js';

/** What `root update` and `root reset` take: a root name, --prefix, and --deploy (whose help says what it redeploys). */
export function localBranchArguments(deploy: string) {
  return {
    positionals: { name: { type: 'string', demandOption: true, describe: 'root name VERSION-KIND-FLAVOR-ARCH' } } as const satisfies Record<string, PositionalOptions>,
    options: {
      prefix: prefixOption,
      deploy: { type: 'boolean', default: true, describe: deploy },
    } as const satisfies Record<string, Options>,
  };
}

type LocalBranchArgs = CommandArgs<ReturnType<typeof localBranchArguments>['positionals'], ReturnType<typeof localBranchArguments>['options']>;

/** Their arguments as the options of the library's local-branch operations (updateLocal, resetLocal). */
export async function localBranchOptions(args: LocalBranchArgs, ui: CommandUi): Promise<LocalBranchOptions> {
  return { repoDir: args.repo, name: args.name, prefix: await ui.prefix(), deploy: args.deploy, onProgress: ui.progress };
}
