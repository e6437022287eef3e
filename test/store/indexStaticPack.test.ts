import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import type { Oid } from '../../src/model/git/oid.js';
import { initRepository } from '../../src/store/repository/initRepository.js';
import { indexStaticPack } from '../../src/store/static/indexStaticPack.js';
import { makeTempDir } from '../helpers/cli.js';
import { noiseBytes } from '../helpers/noiseBytes.js';

// What indexUndeltifiedPack does not take goes to `zstd -d | git index-pack --fsck-objects`:
// a pack with git deltas is indexed there, one with a tree fsck refuses is PACK_INVALID.

let dir: string;
let source: string;

before(() => {
  dir = makeTempDir('hacktree-indexstatic');
  source = join(dir, 'source.git');
  git('', 'init', '-q', '--bare', source);
});

after(() => rmSync(dir, { recursive: true, force: true }));

function git(input: string | Buffer, ...args: string[]): string {
  const run = spawnSync('git', [`--git-dir=${source}`, ...args], { input, maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, `git ${args.join(' ')}: ${String(run.stderr)}`);
  return String(run.stdout).trim();
}

/** The objects as a pack in a zstd stream, as a static repository serves one. */
function zstdPack(name: string, oids: readonly string[], packOptions: string[]): string {
  const pack = spawnSync('git', [`--git-dir=${source}`, ...packOptions, '--stdout'], { input: `${oids.join('\n')}\n`, maxBuffer: 64 << 20 });
  assert.equal(pack.status, 0, String(pack.stderr));
  const file = join(dir, `${name}.pack.zst`);
  const zstd = spawnSync('zstd', ['-q', '-c'], { input: pack.stdout, maxBuffer: 64 << 20 });
  assert.equal(zstd.status, 0);
  writeFileSync(file, zstd.stdout);
  return file;
}

test('a pack with git deltas is indexed by git index-pack; every object reads back', async () => {
  const base = noiseBytes(200_000, 5);
  const oids = [base, Buffer.concat([base, Buffer.from('more\n')])].map((body) => git(body, 'hash-object', '-w', '--stdin'));
  const file = zstdPack('deltas', oids, ['pack-objects', '--window=10']);
  const repo = await initRepository(join(dir, 'deltas'));
  const name = await indexStaticPack(repo, file, 'the deltified pack');
  assert.match(name, /^[0-9a-f]{40}$/);
  const kinds = spawnSync('git', [`--git-dir=${repo.dir}`, 'verify-pack', '-v', join(repo.objectsDir, 'pack', `pack-${name}.idx`)], { encoding: 'utf8' });
  assert.match(kinds.stdout, /blob\s+\d+\s+\d+\s+\d+\s+1 [0-9a-f]{40}/, 'it holds a delta');
  for (const oid of oids) assert.equal(spawnSync('git', [`--git-dir=${repo.dir}`, 'cat-file', '-e', oid]).status, 0);
  assert.deepEqual(readdirSync(join(repo.objectsDir, 'pack')).sort(), [`pack-${name}.idx`, `pack-${name}.pack`]);
});

test('a pack whose tree git fsck refuses is PACK_INVALID, nothing kept', async () => {
  const a = git('a\n', 'hash-object', '-w', '--stdin');
  const raw = Buffer.concat([Buffer.from('100644 b\0'), Buffer.from(a, 'hex'), Buffer.from('100644 a\0'), Buffer.from(a, 'hex')]);
  const unsorted = git(raw, 'hash-object', '-w', '--literally', '-t', 'tree', '--stdin') as Oid;
  const file = zstdPack('unsorted', [unsorted, a], ['-c', 'pack.compression=0', 'pack-objects', '--no-reuse-object', '--window=0']);
  const repo = await initRepository(join(dir, 'unsorted'));
  await assert.rejects(indexStaticPack(repo, file, 'the pack with a bad tree'), (err: unknown) => {
    assert.ok(isHacktreeError(err, 'PACK_INVALID'), String(err));
    assert.match((err as Error).message, /the pack with a bad tree does not check out as a git pack/);
    return true;
  });
  // (git index-pack itself leaves its tmp_pack_* when it dies, as it does for a git fetch.)
  assert.deepEqual(readdirSync(join(repo.objectsDir, 'pack')).filter((name) => name.startsWith('pack-') || name.startsWith('tmp_obj_')), []);
  assert.deepEqual(readdirSync(repo.tmpDir), [], 'the small pack hacktree had git check is gone');
});
