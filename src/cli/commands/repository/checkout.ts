import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { progressBar } from '../../output/progressBar.js';
import { rawRepairWarning } from '../../output/rawRepairWarning.js';

interface Args extends GlobalArgs {
  ref: string;
  dest: string;
  copy: boolean;
}

export const checkoutCommand: CommandModule<GlobalArgs, Args> = {
  command: 'checkout <ref> <dest>',
  describe: 'Check a commit out into a new directory, hardlinked from the raw object cache',
  builder: (y) =>
    y
      .positional('ref', { type: 'string', demandOption: true, describe: 'branch, ref or commit id' })
      .positional('dest', { type: 'string', demandOption: true, describe: 'new directory (must not exist, or be empty)' })
      .option('copy', { type: 'boolean', default: false, describe: 'independent writable copies instead of hardlinks (editing a hardlinked file in place would corrupt the store)' })
      .example('$0 checkout root-3.2-runtime-opt-x86_64 /srv/roots/3.2', 'hardlinked, read-only use')
      .example('$0 checkout root-w1 /tmp/w1 --copy', 'a private copy to edit'),
  handler: printCheckout,
};

/** The handler, also run by main's quick path (see quickCommands). */
export async function printCheckout(argv: Args): Promise<void> {
  const { checkoutRevision } = await import('../../../root/read/checkoutRevision.js');
  const progress = progressBar(argv);
  const result = await checkoutRevision({ repoDir: argv.repo, revision: argv.ref, dest: argv.dest, copy: argv.copy, onProgress: progress.report, onRawRepaired: rawRepairWarning(argv) }).finally(progress.finish);
  printResult(argv, result, () => `checked out ${result.commit} to ${result.dest} (${result.linked} linked, ${result.copied} copied)`, false);
}
