import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { hashObject } from '../../src/model/git/gitObject.js';
import type { Oid } from '../../src/model/git/oid.js';
import { openVerifiedPack } from '../../src/store/objects/openVerifiedPack.js';
import { writeObject } from '../../src/store/objects/objectStore.js';
import { initRepository } from '../../src/store/repository/initRepository.js';
import type { Repository } from '../../src/store/repository/repository.js';
import { makeTempDir } from '../helpers/cli.js';
import { noiseBytes } from '../helpers/noiseBytes.js';

// Packs made by git itself, as a static pull's index-pack leaves them: stored whole (as
// publish makes them, compression 0 and no deltas) and compressed with deltas (any pack).

let dir: string;
let repo: Repository;

before(async () => {
  dir = makeTempDir('hacktree-verifiedpack');
  repo = await initRepository(`${dir}/repo`);
});

after(() => rmSync(dir, { recursive: true, force: true }));

function git(input: string, ...args: string[]): string {
  const run = spawnSync('git', [`--git-dir=${repo.dir}`, ...args], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, `git ${args.join(' ')}: ${run.stderr}`);
  return run.stdout.trim();
}

/** Packs the objects with pack-objects into objects/pack; the pack's name. */
function pack(oids: readonly Oid[], options: { config?: string[]; window: number }): string {
  return git(`${oids.join('\n')}\n`, ...(options.config ?? []), 'pack-objects', '-q', `--window=${options.window}`, `${repo.objectsDir}/pack/pack`);
}

test('every blob of a pack of whole objects reads back as its content; a tree is not a blob', () => {
  const blobs = [Buffer.alloc(0), Buffer.from('a\n'), noiseBytes(70_000, 7), noiseBytes(3_000_000, 8)];
  const oids = blobs.map((body) => writeObject(repo, 'blob', body));
  const tree = git('', 'mktree') as Oid;
  const name = pack([...oids, tree], { config: ['-c', 'pack.compression=0'], window: 0 });
  const verified = openVerifiedPack(repo, name);
  try {
    blobs.forEach((body, i) => {
      assert.ok(verified.has(oids[i]!));
      assert.deepEqual(verified.readBlob(oids[i]!), body);
    });
    assert.equal(verified.readBlob(tree), null, 'a tree is left to git');
    assert.equal(verified.has(hashObject('blob', Buffer.from('absent'))), false);
    const offsets = oids.map((oid) => verified.offsetOf(oid));
    assert.equal(new Set(offsets).size, oids.length);
  } finally {
    verified.close();
  }
});

test('a blob stored as a git delta is left to git (null); the one it is based on reads whole', () => {
  const base = noiseBytes(200_000, 9);
  const changed = Buffer.concat([base, Buffer.from('one more line\n')]);
  const oids = [writeObject(repo, 'blob', base), writeObject(repo, 'blob', changed)];
  const name = pack(oids, { window: 10 });
  const kinds = git('', 'verify-pack', '-v', `${repo.objectsDir}/pack/pack-${name}.idx`);
  assert.match(kinds, /blob\s+\d+\s+\d+\s+\d+\s+1 [0-9a-f]{40}/, 'git stored one of them as a delta');
  const verified = openVerifiedPack(repo, name);
  try {
    const read = oids.map((oid) => verified.readBlob(oid));
    assert.equal(read.filter((body) => body === null).length, 1);
    const whole = read.findIndex((body) => body !== null);
    assert.deepEqual(read[whole], [base, changed][whole]);
  } finally {
    verified.close();
  }
});
