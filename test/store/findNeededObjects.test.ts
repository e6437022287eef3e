import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { formatLocalRecord, parseLocalRecord } from '../../src/model/artifact/localRecord.js';
import type { Oid } from '../../src/model/git/oid.js';
import { findNeededObjects } from '../../src/store/gc/findNeededObjects.js';
import { initRepository } from '../../src/store/repository/initRepository.js';
import { writeObject } from '../../src/store/objects/objectStore.js';
import type { Repository } from '../../src/store/repository/repository.js';
import { writeShallowCommits } from '../../src/store/objects/shallowCommits.js';
import { writeCommit } from '../../src/store/objects/writeCommit.js';
import { makeTempDir } from '../helpers/cli.js';

// A history of plain trees (not snapshots): c1 <- c2 (local record) <- c3 <- c4 <- c5, and m, a
// merge of c5 and a side commit s.
let dir: string;
let repo: Repository;
const c: Oid[] = [];
let side: Oid;
let merge: Oid;
let tree: Oid;

before(async () => {
  dir = makeTempDir('hacktree-needed');
  repo = await initRepository(`${dir}/repo`);
  const blob = writeObject(repo, 'blob', Buffer.from('x\n'));
  tree = writeObject(repo, 'tree', Buffer.concat([Buffer.from('100644 x\0'), Buffer.from(blob, 'hex')]));
  let parent: Oid[] = [];
  for (let i = 1; i <= 5; i++) {
    const message = i === 2 ? `local install\n\n${formatLocalRecord({ base: tree, artifacts: [] })}` : `commit ${i}\n`;
    c.push(writeCommit(repo, { tree, parents: parent, message }));
    parent = [c[i - 1]!];
  }
  side = writeCommit(repo, { tree, parents: [], message: 'side\n' });
  merge = writeCommit(repo, { tree, parents: [c[4]!, side], message: 'merge\n' });
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('a cut keeps the newest first parents; commits whose parents go are shallow; a merge\'s other parent is cut', async () => {
  const needed = await findNeededObjects(repo, [{ oid: merge, history: { keep: 3 } }]);
  assert.deepEqual([...needed.commits].sort(), [merge, c[4]!, c[3]!].sort());
  assert.deepEqual([...needed.shallow].sort(), [merge, c[3]!].sort());
  assert.ok(needed.objects.has(tree) && !needed.objects.has(c[2]!) && !needed.objects.has(side));
});

test('keep 0 still keeps the tip; "through" extends a cut to the newest local record', async () => {
  assert.deepEqual([...(await findNeededObjects(repo, [{ oid: c[4]!, history: { keep: 0 } }])).commits], [c[4]!]);
  const needed = await findNeededObjects(repo, [{ oid: c[4]!, history: { keep: 1, through: (commit) => parseLocalRecord(commit.message) !== null } }]);
  assert.deepEqual([...needed.commits].sort(), [c[4]!, c[3]!, c[2]!, c[1]!].sort());
  assert.deepEqual([...needed.shallow], [c[1]!]);
});

test('a commit kept alone (deployed) or by a cut still has its whole history walked for a ref that needs it', async () => {
  const needed = await findNeededObjects(repo, [
    { oid: c[2]!, history: 'self' },
    { oid: c[4]!, history: { keep: 1 } },
    { oid: c[4]!, history: 'all' },
  ]);
  assert.deepEqual([...needed.commits].sort(), [...c].sort());
  assert.deepEqual([...needed.shallow], []);
});

test('an existing shallow commit is not walked past, and stays shallow', async () => {
  writeShallowCommits(repo, new Set([c[2]!]));
  try {
    const needed = await findNeededObjects(repo, [{ oid: c[4]!, history: 'all' }]);
    assert.deepEqual([...needed.commits].sort(), [c[4]!, c[3]!, c[2]!].sort());
    assert.deepEqual([...needed.shallow], [c[2]!]);
  } finally {
    writeShallowCommits(repo, new Set());
  }
});
