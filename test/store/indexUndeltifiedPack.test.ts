import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Oid } from '../../src/model/git/oid.js';
import { indexUndeltifiedPack } from '../../src/store/objects/indexUndeltifiedPack.js';
import { tempPathBeside } from '../../src/store/repository/atomicWrite.js';
import { initRepository } from '../../src/store/repository/initRepository.js';
import type { Repository } from '../../src/store/repository/repository.js';
import { makeTempDir } from '../helpers/cli.js';
import { noiseBytes } from '../helpers/noiseBytes.js';

// Packs as publish writes them (git pack-objects, compression 0, no deltas) and ones it does
// not: each either indexed exactly as `git index-pack` indexes it, or refused (null) with
// nothing left behind, for the caller to hand to git index-pack.

let dir: string;
let source: string;

before(() => {
  dir = makeTempDir('hacktree-undeltified');
  source = join(dir, 'source.git');
  git(source, '', 'init', '-q', '--bare', source);
});

after(() => rmSync(dir, { recursive: true, force: true }));

function git(gitDir: string, input: string | Buffer, ...args: string[]): string {
  const run = spawnSync('git', [`--git-dir=${gitDir}`, ...args], { input, maxBuffer: 256 << 20 });
  assert.equal(run.status, 0, `git ${args.join(' ')}: ${String(run.stderr)}`);
  return String(run.stdout).trim();
}

function blob(body: Buffer | string): Oid {
  return git(source, body, 'hash-object', '-w', '--stdin') as Oid;
}

/** The objects packed by git pack-objects from the source repository, as publish packs them unless `deltas`. */
function packOf(oids: readonly Oid[], deltas = false): Buffer {
  const options = deltas ? ['pack-objects', '--stdout', '--window=10'] : ['-c', 'pack.compression=0', 'pack-objects', '--stdout', '--no-reuse-object', '--window=0'];
  const run = spawnSync('git', [`--git-dir=${source}`, ...options], { input: `${oids.join('\n')}\n`, maxBuffer: 256 << 20 });
  assert.equal(run.status, 0, String(run.stderr));
  return run.stdout;
}

let count = 0;
async function freshRepo(): Promise<Repository> {
  return initRepository(join(dir, `repo${count++}`));
}

/** Writes the pack where indexStaticPack decompresses one, and indexes it. */
async function index(repo: Repository, pack: Buffer): Promise<string | null> {
  const temp = tempPathBeside(join(repo.objectsDir, 'pack', 'pack'));
  writeFileSync(temp, pack);
  return indexUndeltifiedPack(repo, temp);
}

function packFiles(repo: Repository): string[] {
  return readdirSync(join(repo.objectsDir, 'pack')).sort();
}

/** Replaces the pack's trailer by the SHA-1 of what precedes it (after an edit). */
function retrail(pack: Buffer): Buffer {
  const body = pack.subarray(0, pack.length - 20);
  return Buffer.concat([body, createHash('sha1').update(body).digest()]);
}

test('a pack of blobs, trees and a commit is indexed as git index-pack indexes it', async () => {
  const blobs = [Buffer.alloc(0), Buffer.from('a\n'), noiseBytes(70_000, 1), noiseBytes(3_000_000, 2)].map(blob);
  const tree = git(source, `100644 blob ${blobs[0]}\tempty\n100644 blob ${blobs[1]}\ta\n100755 blob ${blobs[2]}\tb\n100644 blob ${blobs[3]}\tc\n`, 'mktree') as Oid;
  const commit = git(source, '', '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit-tree', tree, '-m', 'one') as Oid;
  const pack = packOf([commit, tree, ...blobs]);
  const repo = await freshRepo();
  const name = await index(repo, pack);
  const expected = await freshRepo();
  const gitName = git(expected.dir, pack, 'index-pack', '--fsck-objects', '--stdin').replace(/^pack\t/, '');
  assert.equal(name, gitName);
  assert.deepEqual(packFiles(repo), [`pack-${name}.idx`, `pack-${name}.pack`]);
  for (const ext of ['idx', 'pack']) {
    const file: string = `pack-${name}.${ext}`;
    assert.deepEqual(readFileSync(join(repo.objectsDir, 'pack', file)), readFileSync(join(expected.objectsDir, 'pack', file)), `${file} is git's byte for byte`);
  }
  git(repo.dir, '', 'verify-pack', join(repo.objectsDir, 'pack', `pack-${name}.idx`));
  assert.equal(git(repo.dir, '', 'rev-parse', `${commit}^{tree}`), tree);
  assert.equal(await index(repo, pack), name, 'a pack here already: the same name, the copy dropped');
  assert.deepEqual(packFiles(repo), [`pack-${name}.idx`, `pack-${name}.pack`]);
});

test('a git delta, a damaged stream, a wrong trailer or a count that lies: null, nothing left behind', async () => {
  const base = noiseBytes(200_000, 3);
  const oids = [blob(base), blob(Buffer.concat([base, Buffer.from('more\n')]))];
  const deltified = packOf(oids, true);
  const whole = packOf(oids);
  const flipped = Buffer.from(whole);
  flipped[whole.length - 100]! ^= 1; // inside the last blob's stored bytes: its Adler-32 no longer holds
  const shortCount = Buffer.from(whole);
  shortCount.writeUInt32BE(1, 8);
  const badTrailer = Buffer.from(whole);
  badTrailer[badTrailer.length - 1]! ^= 1;
  for (const [what, pack] of [['deltas', deltified], ['flipped byte', retrail(flipped)], ['count', retrail(shortCount)], ['trailer', badTrailer], ['truncated', whole.subarray(0, 5000)]] as const) {
    const repo = await freshRepo();
    assert.equal(await index(repo, pack), null, what);
    assert.deepEqual(packFiles(repo), [], `${what}: nothing in objects/pack`);
  }
});

test('a tree git fsck refuses, or a .gitmodules blob it refuses, makes the pack go to git (null)', async () => {
  const a = blob('a\n');
  // Entries out of order: fsck's treeNotSorted, an error.
  const unsorted = git(source, Buffer.concat([Buffer.from(`100644 b\0`), Buffer.from(a, 'hex'), Buffer.from(`100644 a\0`), Buffer.from(a, 'hex')]), 'hash-object', '-w', '--literally', '-t', 'tree', '--stdin') as Oid;
  const modules = blob('[submodule "x"]\n\tpath = x\n\turl = --upload-pack=touch /tmp/pwned\n');
  const withModules = git(source, `100644 blob ${modules}\t.gitmodules\n100644 blob ${a}\ta\n`, 'mktree') as Oid;
  const sound = git(source, `100644 blob ${a}\t.gitmodules\n`, 'mktree') as Oid;
  for (const [what, oids, ok] of [['unsorted tree', [unsorted, a], false], ['bad .gitmodules', [withModules, modules, a], false], ['sound tree', [sound, a], true]] as const) {
    const repo = await freshRepo();
    const pack = packOf(oids);
    const verdict = spawnSync('git', [`--git-dir=${(await freshRepo()).dir}`, 'index-pack', '--fsck-objects', '--stdin'], { input: pack });
    assert.equal(verdict.status === 0, ok, `${what}: git index-pack's verdict`);
    const name = await index(repo, pack);
    assert.equal(name !== null, ok, what);
    assert.deepEqual(packFiles(repo).length, ok ? 2 : 0, what);
    assert.deepEqual(readdirSync(repo.tmpDir), [], `${what}: the pack git checked is gone`);
  }
  assert.ok(!existsSync('/tmp/pwned'));
});
