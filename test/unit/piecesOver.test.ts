import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FsEntry } from '../../src/model/snapshot/fsEntry.js';
import { piecesOver } from '../../src/model/snapshot/piecesOver.js';
import type { RepoPath } from '../../src/model/snapshot/repoPath.js';

const dir = (path: string): FsEntry => ({ kind: 'dir', path: path as RepoPath, mode: 0o755, uid: 0, gid: 0, xattrs: [] });

test('runs of the base\'s own objects, and the entries that are not (equal copies included), in order', () => {
  const base = ['.', 'a', 'a/b', 'c', 'd', 'e'].map(dir);
  const copyOfD = { ...base[4]! };
  const entries = [base[0]!, base[1]!, dir('a/a'), base[2]!, copyOfD, base[5]!, dir('f')];
  const pieces = piecesOver(base, entries);
  assert.deepEqual(pieces.map((p) => ('entry' in p ? p.entry.path : `${p.from}-${p.to}`)), ['0-1', 'a/a', '2-2', 'd', '5-5', 'f']);
  assert.equal((pieces[3] as { entry: FsEntry }).entry, copyOfD);
  assert.deepEqual(piecesOver(base, base), [{ from: 0, to: 5 }]);
  assert.deepEqual(piecesOver(base, []), []);
  assert.deepEqual(piecesOver([], base).length, base.length);
});
