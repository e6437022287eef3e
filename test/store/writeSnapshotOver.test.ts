import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FsEntry } from '../../src/model/snapshot/fsEntry.js';
import type { Oid } from '../../src/model/git/oid.js';
import { filesTreeChanges } from '../../src/model/snapshot/filesTreeChanges.js';
import { compareRepoPaths, parentOf, TOP, type RepoPath } from '../../src/model/snapshot/repoPath.js';
import { initRepository } from '../../src/store/repository/initRepository.js';
import type { Repository } from '../../src/store/repository/repository.js';
import { readSnapshot } from '../../src/store/snapshot/readSnapshot.js';
import { checkSnapshotEntryCache, snapshotEntryCachePath } from '../../src/store/snapshot/snapshotEntryCache.js';
import { writeSnapshot, writeSnapshotOver } from '../../src/store/snapshot/writeSnapshot.js';
import { makeTempDir } from '../helpers/cli.js';

// A local commit writes only the trees along the changed paths over its base: whatever the
// change, the result must be the very tree writeSnapshot makes of the whole entry list.
let dir: string;
let repo: Repository;
let base: FsEntry[];
let baseTree: Oid;

const meta = { mode: 0o755, uid: 0, gid: 0, xattrs: [] };
const oidOf = (text: string) => createHash('sha1').update(text).digest('hex') as Oid;
const d = (path: string, extra: Partial<FsEntry> = {}): FsEntry => ({ ...meta, kind: 'dir', path: path as RepoPath, ...extra }) as FsEntry;
const f = (path: string, content = path, mode = 0o644): FsEntry => ({ ...meta, mode, kind: 'file', path: path as RepoPath, oid: oidOf(content), size: content.length });
const l = (path: string, target: string): FsEntry => ({ ...meta, mode: 0o777, kind: 'symlink', path: path as RepoPath, oid: oidOf(target), target });
const sorted = (entries: FsEntry[]) => entries.sort((a, b) => compareRepoPaths(a.path, b.path));
const under = (path: string, top: string) => path === top || path.startsWith(`${top}/`);

before(async () => {
  dir = makeTempDir('hacktree-over');
  repo = await initRepository(join(dir, 'repo'));
  // 12 x 12 directories three deep (over the pack threshold: the base's trees are packed), a few files each.
  base = [d('.'), d('usr'), d('usr/share'), d('etc'), f('etc/hostname'), d('var'), d('var/empty')];
  for (let a = 0; a < 12; a++) {
    base.push(d(`usr/share/p${a}`));
    for (let b = 0; b < 12; b++) {
      base.push(d(`usr/share/p${a}/s${b}`), f(`usr/share/p${a}/s${b}/data`), f(`usr/share/p${a}/s${b}/run`, `run${a}${b}`, 0o755));
      if (b % 3 === 0) base.push(l(`usr/share/p${a}/s${b}/link`, 'data'));
    }
  }
  sorted(base);
  baseTree = writeSnapshot(repo, base);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Writes `change(base's entries)` over the base, as a local commit does (the entries it leaves
 * alone are the base's own objects, whose meta lines and cache text are reused), and compares
 * with a full write in another repository.
 */
async function assertSameAsFullWrite(change: (entries: readonly FsEntry[]) => FsEntry[], what: string): Promise<void> {
  const snapshot = await readSnapshot(repo, baseTree);
  const after = change(snapshot.entries);
  const over = await writeSnapshotOver(repo, { tree: snapshot.tree, entries: snapshot.entries }, after);
  const fullRepo = await initRepository(join(dir, `full-${++fullWrites}`));
  assert.equal(over, writeSnapshot(fullRepo, after), `${what}: the tree a full write makes`);
  // Every tree it names is there and agrees with the meta record (fsck's own walk), and its
  // entry cache holds what fsck expects, byte for byte.
  const read = await readSnapshot(repo, over, { verify: true });
  assert.equal(read.entries.length, after.length);
  assert.equal(checkSnapshotEntryCache(repo, over, read.entries), 'sound', `${what}: the entry cache made over the base's`);
  assert.deepEqual(readFileSync(snapshotEntryCachePath(repo, over)), readFileSync(snapshotEntryCachePath(fullRepo, over)));
}
let fullWrites = 0;

test('an unchanged entry list gives the base tree itself', async () => {
  const snapshot = await readSnapshot(repo, baseTree);
  assert.deepEqual(filesTreeChanges(snapshot.entries, snapshot.entries), []);
  assert.equal(await writeSnapshotOver(repo, { tree: snapshot.tree, entries: snapshot.entries }, snapshot.entries), baseTree);
  // Equal entries that are not the base's own objects: nothing is reused, the tree is the same.
  assert.equal(await writeSnapshotOver(repo, { tree: snapshot.tree, entries: snapshot.entries }, snapshot.entries.map((e) => ({ ...e }))), baseTree);
});

test('replacing, adding and removing paths deep in the tree gives the tree a full write gives', async () => {
  await assertSameAsFullWrite((entries) => sorted([...entries
    // a component's files replaced, one made executable, a symlink retargeted
    .map((e) => (e.path === 'usr/share/p3/s4/data' ? f(e.path, 'new data') : e))
    .map((e) => (e.path === 'usr/share/p3/s5/data' ? f(e.path, e.path, 0o755) : e))
    .map((e) => (e.path === 'usr/share/p4/s0/link' ? l(e.path, 'run') : e))
    // metadata alone (no files/ change), and a whole subtree gone
    .map((e) => (e.path === 'usr/share/p5/s1/run' ? { ...e, uid: 1000 } : e))
    .filter((e) => !under(e.path, 'usr/share/p6'))
    // a directory emptied of files but kept: its tree goes, its meta line stays
    .filter((e) => !(e.path.startsWith('usr/share/p7/s2/') && e.kind !== 'dir')),
    d('opt'), d('opt/tool'), d('opt/tool/lib'), f('opt/tool/lib/libtool.so', 'elf'), d('usr/share/p3/s4/new'), f('usr/share/p3/s4/new/file')]), 'deep changes');
});

test('a directory that becomes a file, a file that becomes a directory, a file that becomes a symlink', async () => {
  await assertSameAsFullWrite((entries) => sorted([...entries
    .filter((e) => !under(e.path, 'usr/share/p8/s8'))
    .filter((e) => e.path !== 'etc/hostname' && e.path !== 'usr/share/p9/s0/data'),
    f('usr/share/p8/s8', 'now a file'), d('etc/hostname'), f('etc/hostname/name', 'box'), l('usr/share/p9/s0/data', 'run')]), 'kinds swapped');
});

test('everything below a top directory removed; every file of the root removed', async () => {
  await assertSameAsFullWrite((entries) => entries.filter((e) => !under(e.path, 'usr')), 'usr gone');
  await assertSameAsFullWrite((entries) => entries.filter((e) => e.kind === 'dir'), 'no files at all');
});

test('filesTreeChanges names exactly the blob paths that appear, go or change id or git mode', () => {
  const after = sorted([
    ...base.filter((e) => e.path !== 'etc/hostname' && e.path !== 'usr/share/p0/s0/data'),
    f('usr/share/p0/s0/data', 'other'),
    f('etc/new'),
    d('etc/more'),
  ].map((e) => (e.path === 'usr/share/p1/s1/data' ? { ...e, uid: 7 } : e)).map((e) => (e.path === 'usr/share/p2/s2/run' ? { ...e, mode: 0o644 } : e)));
  const changes = filesTreeChanges(base, after);
  assert.deepEqual(
    changes.map((c) => `${c.path} ${c.entry === null ? '-' : c.entry.mode}`),
    ['etc/hostname -', 'etc/new 100644', 'usr/share/p0/s0/data 100644', 'usr/share/p2/s2/run 100644'],
  );
  for (const c of changes) assert.notEqual(parentOf(c.path), undefined);
  assert.ok(!changes.some((c) => c.path === TOP));
});
