import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { hashObject, type GitObjectType } from '../../src/model/git/gitObject.js';
import type { Oid } from '../../src/model/git/oid.js';
import { packEntryHeader } from '../../src/model/git/packFormat.js';
import { serializePackIndex } from '../../src/model/git/packIndex.js';
import { initRepository } from '../../src/store/repository/initRepository.js';
import { readObject, writeObject } from '../../src/store/objects/objectStore.js';
import { createPackWriter } from '../../src/store/objects/packWriter.js';
import { removeStaleTempFiles } from '../../src/store/repository/removeStaleTempFiles.js';
import type { Repository } from '../../src/store/repository/repository.js';
import { makeTempDir } from '../helpers/cli.js';

let dir: string;
let repo: Repository;
let packDir: string;

before(async () => {
  dir = makeTempDir('hacktree-packwriter');
  repo = await initRepository(`${dir}/repo`);
  packDir = join(repo.objectsDir, 'pack');
});

after(() => rmSync(dir, { recursive: true, force: true }));

function git(...args: string[]): string {
  const run = spawnSync('git', [`--git-dir=${repo.dir}`, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, `git ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

function packFiles(): string[] {
  return readdirSync(packDir).sort();
}

/** Objects of every size class of the entry header: empty, 4-bit, 11-bit, 18-bit and 25-bit sizes. */
function sampleObjects(): Array<{ type: GitObjectType; body: Buffer; oid: Oid }> {
  const bodies = [0, 1, 15, 16, 2047, 2048, 300_000, 5_000_000].map((n) => Buffer.alloc(n, `size ${n} `));
  const random = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 251));
  return [...bodies, random].map((body) => ({ type: 'blob' as const, body, oid: hashObject('blob', body) }));
}

test('pack entry headers: type in bits 4-6, size 4 bits then 7 bits a byte, low bits first', () => {
  assert.deepEqual([...packEntryHeader('blob', 0)], [0x30]);
  assert.deepEqual([...packEntryHeader('blob', 15)], [0x3f]);
  assert.deepEqual([...packEntryHeader('blob', 16)], [0xb0, 0x01]);
  assert.deepEqual([...packEntryHeader('tree', 2047)], [0xaf, 0x7f]);
  assert.deepEqual([...packEntryHeader('commit', 2048)], [0x90, 0x80, 0x01]);
  assert.deepEqual([...packEntryHeader('blob', 2 ** 32 + 1)], [0xb1, 0x80, 0x80, 0x80, 0x80, 0x01]);
});

test('an index with an offset past 2 GiB puts it in the 8-byte table', () => {
  const a = 'aa'.padEnd(40, '0') as Oid;
  const b = 'bb'.padEnd(40, '0') as Oid;
  const index = serializePackIndex([{ oid: b, crc32: 2, offset: 2 ** 31 + 5 }, { oid: a, crc32: 1, offset: 12 }], Buffer.alloc(20, 9));
  const n = 2;
  const offsets = 8 + 1024 + n * 24;
  assert.equal(index.readUInt32BE(8 + 0xaa * 4), 1, 'fan-out through aa');
  assert.equal(index.readUInt32BE(8 + 255 * 4), 2, 'fan-out total');
  assert.equal(index.subarray(8 + 1024, 8 + 1024 + 20).toString('hex'), a, 'sorted ids');
  assert.equal(index.readUInt32BE(offsets), 12);
  assert.equal(index.readUInt32BE(offsets + 4), 0x80000000);
  assert.equal(index.readBigUInt64BE(offsets + 8), BigInt(2 ** 31 + 5));
  assert.equal(index.length, offsets + 8 + 8 + 40);
});

test('a written pack passes git verify-pack and fsck --strict, its index is byte for byte the one git index-pack makes, and every object reads back', async () => {
  const objects = sampleObjects();
  const writer = createPackWriter(repo);
  for (const o of objects) writer.add(o.oid, o.type, o.body);
  writer.add(objects[3]!.oid, 'blob', objects[3]!.body); // a second add of one id is a no-op
  const name = writer.finish();
  assert.match(name ?? '', /^pack-[0-9a-f]{40}$/);
  assert.deepEqual(packFiles(), [`${name}.idx`, `${name}.pack`], 'the pack and its index, no temporary file');

  const verify = git('verify-pack', '-v', join(packDir, `${name}.idx`));
  for (const o of objects) assert.match(verify, new RegExp(`^${o.oid} blob +${o.body.length} `, 'm'));
  assert.match(verify, new RegExp(`non delta: ${objects.length} objects`));

  const copy = join(dir, 'copy.pack');
  copyFileSync(join(packDir, `${name}.pack`), copy);
  spawnSync('git', ['index-pack', copy], { encoding: 'utf8' });
  assert.deepEqual(readFileSync(join(dir, 'copy.idx')), readFileSync(join(packDir, `${name}.idx`)), 'git index-pack makes the same index');

  const fsck = spawnSync('git', [`--git-dir=${repo.dir}`, 'fsck', '--strict', '--no-dangling'], { encoding: 'utf8' });
  assert.equal(fsck.status, 0, fsck.stderr + fsck.stdout);
  for (const o of objects) {
    const read = await readObject(repo, o.oid);
    assert.equal(read.type, 'blob');
    assert.ok(read.body.equals(o.body), `object ${o.oid} reads back`);
  }
  rmSync(packDir, { recursive: true, force: true });
});

test('a pack skips objects the repository has, loose or packed; with nothing new it writes nothing', () => {
  const [packedOne, looseOne] = sampleObjects();
  const first = createPackWriter(repo);
  first.add(packedOne!.oid, packedOne!.type, packedOne!.body);
  const name = first.finish()!;
  writeObject(repo, looseOne!.type, looseOne!.body);
  const second = createPackWriter(repo);
  second.add(packedOne!.oid, packedOne!.type, packedOne!.body);
  second.add(looseOne!.oid, looseOne!.type, looseOne!.body);
  assert.equal(second.finish(), null);
  assert.deepEqual(packFiles(), [`${name}.idx`, `${name}.pack`]);
  rmSync(packDir, { recursive: true, force: true });
  rmSync(join(repo.objectsDir, looseOne!.oid.slice(0, 2)), { recursive: true, force: true });
});

test('a pack with nothing added writes nothing; an aborted one leaves nothing', () => {
  mkdirSync(packDir, { recursive: true });
  assert.equal(createPackWriter(repo).finish(), null);
  const writer = createPackWriter(repo);
  const [o] = sampleObjects();
  writer.add(o!.oid, o!.type, o!.body);
  assert.equal(packFiles().length, 1, 'the unfinished pack, under a temporary name');
  writer.abort();
  assert.deepEqual(packFiles(), []);
});

test('fsck removes a dead writer\'s unfinished pack and a pack whose index never came, unless another writer holds the lock', () => {
  const [o] = sampleObjects();
  const writer = createPackWriter(repo);
  writer.add(o!.oid, o!.type, o!.body);
  const name = writer.finish()!;
  // A crash between the two renames: the .pack is in place, its .idx not.
  rmSync(join(packDir, `${name}.idx`));
  // A killed writer's temporary pack (pid 2^22+1 is above Linux's pid_max default, never alive).
  writeFileSync(join(packDir, `tmp_obj_${2 ** 22 + 1}_1_1`), 'PACK');

  writeFileSync(repo.lockPath, '1\n'); // held by a live process (init)
  try {
    const whileLocked = removeStaleTempFiles(repo);
    assert.deepEqual(whileLocked, [join(packDir, `tmp_obj_${2 ** 22 + 1}_1_1`)]);
    assert.deepEqual(packFiles(), [`${name}.pack`], 'a pack without index stays while a writer may be about to add it');
  } finally {
    rmSync(repo.lockPath);
  }
  assert.deepEqual(removeStaleTempFiles(repo), [join(packDir, `${name}.pack`)]);
  assert.deepEqual(packFiles(), []);
});
