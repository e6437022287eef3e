import { rawRepairWarning } from '../../output/rawRepairWarning.js';
import { defineCommand } from '../defineCommand.js';

export const checkoutCommand = defineCommand({
  command: 'checkout <ref> <dest>',
  describe: 'Check a commit out into a new directory, hardlinked from the raw object cache',
  positionals: {
    ref: { type: 'string', demandOption: true, describe: 'branch, ref or commit id' },
    dest: { type: 'string', demandOption: true, describe: 'new directory (must not exist, or be empty)' },
  },
  options: { copy: { type: 'boolean', default: false, describe: 'independent writable copies instead of hardlinks (editing a hardlinked file in place would corrupt the store)' } },
  examples: [
    ['$0 checkout root-3.2-runtime-opt-x86_64 /srv/roots/3.2', 'hardlinked, read-only use'],
    ['$0 checkout root-w1 /tmp/w1 --copy', 'a private copy to edit'],
  ],
  output: 'summary',
  run: async (args, ui) => {
    const { checkoutRevision } = await import('../../../root/read/checkoutRevision.js');
    return checkoutRevision({ repoDir: args.repo, revision: args.ref, dest: args.dest, copy: args.copy, onProgress: ui.progress, onRawRepaired: rawRepairWarning(args) });
  },
  text: (result) => `checked out ${result.commit} to ${result.dest} (${result.linked} linked, ${result.copied} copied)`,
});

/** The handler, also run by main's quick path (see quickCommands). */
export const printCheckout = checkoutCommand.handler;
