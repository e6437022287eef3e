import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FILES_ENTRY } from '../../src/model/git/commitLayout.js';
import type { FsEntry } from '../../src/model/snapshot/fsEntry.js';
import { parseTree } from '../../src/model/git/gitTree.js';
import type { Oid } from '../../src/model/git/oid.js';
import { filesTreeMemoDir } from '../../src/store/snapshot/filesTreeMemo.js';
import { initRepository } from '../../src/store/repository/initRepository.js';
import { looseObjectPath, readObject } from '../../src/store/objects/objectStore.js';
import type { Repository } from '../../src/store/repository/repository.js';
import { snapshotDirectory } from '../../src/store/snapshot/snapshotDirectory.js';
import { writeFilesTree, writeSnapshot } from '../../src/store/snapshot/writeSnapshot.js';
import { makeTempDir } from '../helpers/cli.js';

// The files/ tree memo spares an unchanged snapshot its tree hashing; it must never give another
// snapshot's tree, nor a tree that is not there.
let dir: string;
let repo: Repository;
let entries: FsEntry[];

before(async () => {
  dir = makeTempDir('hacktree-treememo');
  repo = await initRepository(join(dir, 'repo'));
  for (const sub of ['a', 'a/b', 'c']) mkdirSync(join(dir, 'src', sub), { recursive: true });
  writeFileSync(join(dir, 'src/a/b/one'), 'one\n');
  writeFileSync(join(dir, 'src/c/two'), 'two\n');
  entries = await snapshotDirectory(repo, join(dir, 'src'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function filesTreeOf(top: Oid): Promise<Oid> {
  return parseTree((await readObject(repo, top)).body, top).find((e) => e.name === FILES_ENTRY)!.oid as Oid;
}
const memoFiles = () => readdirSync(filesTreeMemoDir(repo));

test('a snapshot written again takes its files/ tree from the memo, which names the tree writeFilesTree makes', async () => {
  const top = writeSnapshot(repo, entries);
  const files = await filesTreeOf(top);
  assert.equal(files, writeFilesTree(repo, entries));
  assert.equal(memoFiles().length, 1);
  assert.equal(readFileSync(join(filesTreeMemoDir(repo), memoFiles()[0]!), 'utf8'), `${memoFiles()[0]} ${files}\n`);
  assert.equal(writeSnapshot(repo, entries), top);
});

test('a torn memo, or one whose tree is not a loose object here, is ignored and made again', async () => {
  const top = writeSnapshot(repo, entries);
  const files = await filesTreeOf(top);
  const memo = join(filesTreeMemoDir(repo), memoFiles()[0]!);
  writeFileSync(memo, 'garbage');
  assert.equal(writeSnapshot(repo, entries), top);
  assert.equal(readFileSync(memo, 'utf8'), `${memoFiles()[0]} ${files}\n`);

  rmSync(looseObjectPath(repo, files));
  assert.equal(writeSnapshot(repo, entries), top);
  assert.ok(existsSync(looseObjectPath(repo, files)), 'the files/ tree was written again, not taken from the memo');
});

test('another snapshot (a blob id or a mode changed) has another fingerprint and its own tree', async () => {
  const top = writeSnapshot(repo, entries);
  const otherBlob = entries.map((e) => (e.kind === 'file' && e.path.endsWith('one') ? { ...e, oid: (entries.find((f) => f.kind === 'file' && f.path.endsWith('two')) as { oid: Oid }).oid } : e));
  const executable = entries.map((e) => (e.kind === 'file' && e.path.endsWith('two') ? { ...e, mode: 0o755 } : e));
  for (const other of [otherBlob, executable]) {
    const otherTop = writeSnapshot(repo, other);
    assert.notEqual(otherTop, top);
    assert.equal(await filesTreeOf(otherTop), writeFilesTree(repo, other));
  }
  assert.equal(memoFiles().length, 3);
});
