import type { ChangeStatus, EntryChange, FieldChange } from '../../model/snapshot/diffEntries.js';
import { displayRootPath } from '../../model/root/parseRootPath.js';
import { quotePath } from '../../model/snapshot/pathBytes.js';

const LETTER: Record<EntryChange['status'], string> = { added: 'A', removed: 'D', modified: 'M', metadata: 'm' };

function describeChange(change: FieldChange): string {
  const show = (value: string | null, short: boolean) => (value === null ? '(none)' : short ? value.slice(0, 12) : quotePath(value));
  const short = change.field === 'content';
  const label = change.field === 'xattr' ? `xattr ${change.name}` : change.field;
  return `${label} ${show(change.from, short)} -> ${show(change.to, short)}`;
}

/** One line per change (A added, D removed, M content changed, m metadata only), then the counts. */
export function formatEntryChanges(changes: readonly EntryChange[], summary: Record<ChangeStatus, number>): string[] {
  const { added, removed, modified, metadata } = summary;
  return [
    ...changes.map((c) => {
      const details = c.changes.map(describeChange).join(', ');
      return `${LETTER[c.status]} ${displayRootPath(c.path)}${details === '' ? '' : `  ${details}`}`;
    }),
    `${added} added, ${removed} removed, ${modified} modified, ${metadata} metadata only`,
  ];
}
