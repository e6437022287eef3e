import type { FsEntry, Xattr } from './fsEntry.js';
import { formatOctalMode } from './modeString.js';
import { compareRepoPaths } from './repoPath.js';

/** One difference in an entry: `from`/`to` are null where the thing is absent on that side. */
export interface FieldChange {
  field: 'type' | 'content' | 'size' | 'mode' | 'owner' | 'target' | 'device' | 'xattr';
  /** The attribute's name, for field "xattr". */
  name?: string;
  from: string | null;
  to: string | null;
}

export type ChangeStatus = 'added' | 'removed' | 'modified' | 'metadata';

/** "modified": a file's content changed (metadata may have too); "metadata": nothing but metadata. */
export interface EntryChange {
  path: string;
  status: ChangeStatus;
  /** The kind on the newer side (the older for a removal). */
  kind: FsEntry['kind'];
  changes: FieldChange[];
}

/** Compares two sorted snapshots; changes come out sorted by path. */
export function diffEntries(before: readonly FsEntry[], after: readonly FsEntry[]): EntryChange[] {
  const out: EntryChange[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const a = before[i];
    const b = after[j];
    const order = a === undefined ? 1 : b === undefined ? -1 : compareRepoPaths(a.path, b.path);
    if (order < 0) {
      out.push({ path: a!.path, status: 'removed', kind: a!.kind, changes: [] });
      i++;
    } else if (order > 0) {
      out.push({ path: b!.path, status: 'added', kind: b!.kind, changes: [] });
      j++;
    } else {
      const changes = compareEntries(a!, b!);
      if (changes.length > 0) {
        const status = changes.some((c) => c.field === 'content') ? 'modified' : 'metadata';
        out.push({ path: b!.path, status, kind: b!.kind, changes });
      }
      i++;
      j++;
    }
  }
  return out;
}

function compareEntries(a: FsEntry, b: FsEntry): FieldChange[] {
  if (a.kind !== b.kind) return [{ field: 'type', from: a.kind, to: b.kind }];
  const changes: FieldChange[] = [];
  if (a.kind === 'file' && b.kind === 'file') {
    if (a.oid !== b.oid) changes.push({ field: 'content', from: a.oid, to: b.oid });
    if (a.size !== b.size) changes.push({ field: 'size', from: String(a.size), to: String(b.size) });
  }
  if (a.kind === 'symlink' && b.kind === 'symlink' && a.target !== b.target) {
    changes.push({ field: 'target', from: a.target, to: b.target });
  }
  if ((a.kind === 'chardev' || a.kind === 'blockdev') && (b.kind === 'chardev' || b.kind === 'blockdev')) {
    const from = `${a.major},${a.minor}`;
    const to = `${b.major},${b.minor}`;
    if (from !== to) changes.push({ field: 'device', from, to });
  }
  if (a.mode !== b.mode) changes.push({ field: 'mode', from: formatOctalMode(a.mode), to: formatOctalMode(b.mode) });
  if (a.uid !== b.uid || a.gid !== b.gid) changes.push({ field: 'owner', from: `${a.uid}:${a.gid}`, to: `${b.uid}:${b.gid}` });
  changes.push(...compareXattrs(a.xattrs, b.xattrs));
  return changes;
}

function compareXattrs(a: readonly Xattr[], b: readonly Xattr[]): FieldChange[] {
  const before = new Map(a.map((x) => [x.name, x.value.toString('hex')]));
  const after = new Map(b.map((x) => [x.name, x.value.toString('hex')]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const out: FieldChange[] = [];
  for (const name of names) {
    const from = before.get(name) ?? null;
    const to = after.get(name) ?? null;
    if (from !== to) out.push({ field: 'xattr', name, from, to });
  }
  return out;
}
