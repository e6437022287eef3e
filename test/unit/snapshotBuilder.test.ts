import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import type { FsEntry } from '../../src/model/snapshot/fsEntry.js';
import type { Oid } from '../../src/model/git/oid.js';
import type { RepoPath } from '../../src/model/snapshot/repoPath.js';
import { createSnapshotBuilder } from '../../src/model/snapshot/snapshotBuilder.js';

const p = (path: string): RepoPath => path as RepoPath;
const meta = { mode: 0o644, uid: 0, gid: 0, xattrs: [] };

describe('snapshot builder hardlinks', () => {
  it('makes a hardlink to a symlink, fifo or device a second entry like it (ln on a symlink links the symlink)', () => {
    const builder = createSnapshotBuilder('x.tar');
    const entries: FsEntry[] = [
      { kind: 'file', path: p('f'), ...meta, size: 1, oid: '0'.repeat(40) as Oid },
      { kind: 'symlink', path: p('s'), ...meta, mode: 0o777, target: 'f', oid: '1'.repeat(40) as Oid },
      { kind: 'fifo', path: p('p'), ...meta },
      { kind: 'chardev', path: p('null'), ...meta, major: 1, minor: 3 },
    ];
    for (const entry of entries) builder.add(entry);
    for (const target of ['f', 's', 'p', 'null']) builder.addHardlink(p(`${target}2`), p(target));
    const byPath = new Map(builder.finish().map((e) => [e.path as string, e]));
    for (const target of ['f', 's', 'p', 'null']) assert.deepEqual(byPath.get(`${target}2`), { ...byPath.get(target)!, path: `${target}2` });
  });

  it('refuses a hardlink to a directory or to nothing earlier', () => {
    const builder = createSnapshotBuilder('x.tar');
    builder.add({ kind: 'dir', path: p('d'), ...meta, mode: 0o755 });
    assert.throws(() => builder.addHardlink(p('d2'), p('d')), (err: unknown) => isHacktreeError(err, 'TAR_INVALID') && /which is a directory/.test(err.message));
    assert.throws(() => builder.addHardlink(p('x'), p('later')), (err: unknown) => isHacktreeError(err, 'TAR_INVALID') && /not an earlier member/.test(err.message));
  });
});
