import type { CommandModule } from 'yargs';
import type { EntryChange, FieldChange } from '../../model/diffEntries.js';
import type { GlobalArgs } from '../globalArgs.js';
import { printResult } from '../output.js';

interface Args extends GlobalArgs {
  from: string;
  to: string;
}

const LETTER: Record<EntryChange['status'], string> = { added: 'A', removed: 'D', modified: 'M', metadata: 'm' };

function describeChange(change: FieldChange): string {
  const show = (value: string | null, short: boolean) => (value === null ? '(none)' : short ? value.slice(0, 12) : value);
  const short = change.field === 'content';
  const label = change.field === 'xattr' ? `xattr ${change.name}` : change.field;
  return `${label} ${show(change.from, short)} -> ${show(change.to, short)}`;
}

export const rootDiffCommand: CommandModule<GlobalArgs, Args> = {
  command: 'diff <from> <to>',
  describe: 'Compare two roots: A added, D removed, M content changed, m metadata only (mode, owner, xattrs, target, type)',
  builder: (y) =>
    y
      .positional('from', { type: 'string', demandOption: true, describe: 'the older root, branch, ref or commit' })
      .positional('to', { type: 'string', demandOption: true, describe: 'the newer root, branch, ref or commit' })
      .example('$0 root diff 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b w1', 'from a commit id to the tip of root-w1')
      .example('$0 root diff 3.2-runtime-opt-x86_64 local/root-3.2-runtime-opt-x86_64', 'what the local branch changes'),
  handler: async (argv) => {
    const { diffRoots } = await import('../../root/diffRoots.js');
    const { displayRootPath } = await import('../../model/parseRootPath.js');
    const diff = await diffRoots({ repoDir: argv.repo, from: argv.from, to: argv.to });
    const { added, removed, modified, metadata } = diff.summary;
    printResult(argv, diff, () => [
      ...diff.changes.map((c) => {
        const details = c.changes.map(describeChange).join(', ');
        return `${LETTER[c.status]} ${displayRootPath(c.path)}${details === '' ? '' : `  ${details}`}`;
      }),
      `${added} added, ${removed} removed, ${modified} modified, ${metadata} metadata only`,
    ]);
  },
};
