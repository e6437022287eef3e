import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants as zlibConstants, gzipSync } from 'node:zlib';
import { assertCliError } from '../../helpers/assertCliError.js';
import { makeTempDir, runHacktree } from '../../helpers/cli.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../../helpers/repoState.js';
import { ARTIFACT_NAME, copySeededRepo, makeSeededRepo, type SeededRepo } from '../../helpers/seededRepo.js';

// Tarballs that are cut short, not gzip, not tar, or damaged inside are TAR_INVALID naming the
// file, and nothing they held is recorded.

let tmp: string;
let seed: SeededRepo;
/** An uncompressed tar from GNU tar: a directory, then files a, b, c (1000 text bytes each). */
let plainTar: Buffer;
/** A .tar.gz from GNU tar of three 64 KiB files of random bytes: real and incompressible. */
let randomTarGz: Buffer;

before(() => {
  tmp = makeTempDir('hacktree-e2e-damaged');
  seed = makeSeededRepo(tmp);
  const text = join(tmp, 'text');
  mkdirSync(text);
  for (const name of ['a', 'b', 'c']) writeFileSync(join(text, name), `${name} line of text\n`.repeat(1000 / 16 + 1).slice(0, 1000));
  plainTar = gnuTar(['-cf', '-', '-C', text, 'a', 'b', 'c']);
  const random = join(tmp, 'random');
  mkdirSync(random);
  for (const name of ['one', 'two', 'three']) writeFileSync(join(random, name), randomBytes(64 * 1024));
  randomTarGz = gnuTar(['-czf', '-', '-C', random, '.']);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function gnuTar(args: string[]): Buffer {
  const run = spawnSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', ...args], { maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, run.stderr.toString());
  return run.stdout;
}

/**
 * A gzip file whose deflate data is stored, not compressed (level 0), so a flipped content byte
 * leaves the deflate stream valid and only the CRC-32 in the trailer tells.
 */
function storedGzip(data: Buffer): Buffer {
  return gzipSync(data, { level: zlibConstants.Z_NO_COMPRESSION });
}

interface DamagedCase {
  what: string;
  bytes: () => Buffer;
  /** What the message says beyond naming the file. */
  says: RegExp;
}

const cases: DamagedCase[] = [
  {
    what: 'a real .tar.gz cut in half',
    bytes: () => randomTarGz.subarray(0, randomTarGz.length >> 1),
    says: /truncated|cut short|ends in the middle/,
  },
  {
    what: 'a .tar.gz missing only the last 4 bytes of its gzip trailer',
    bytes: () => {
      // A long zero tail after the end-of-archive blocks (GNU tar pads to whole records):
      // every member is complete, only gzip's own trailer shows the cut.
      const padded = Buffer.concat([plainTar, Buffer.alloc(256 * 1024)]);
      const gz = gzipSync(padded);
      return gz.subarray(0, gz.length - 4);
    },
    says: /truncated/,
  },
  {
    what: 'random bytes (not gzip, not tar)',
    bytes: () => Buffer.concat([Buffer.from('not a tarball at all\n'), randomBytes(4096)]),
    says: /neither gzip-compressed nor a tar archive/,
  },
  {
    what: 'a gzip of garbage',
    bytes: () => gzipSync(Buffer.concat([Buffer.from('garbage, not tar\n'), randomBytes(8192)])),
    says: /gzip-compressed but does not hold a tar archive/,
  },
  {
    what: 'an empty file',
    bytes: () => Buffer.alloc(0),
    says: /empty/,
  },
  {
    what: 'a tarball whose second member has a bad header checksum',
    bytes: () => {
      const damaged = Buffer.from(plainTar);
      // Member a: header at 0, 1000 bytes of data in two blocks; member b's header at 1536.
      assert.equal(damaged.toString('latin1', 1536, 1537), 'b', 'member b starts at byte 1536');
      damaged[1536] = 'x'.charCodeAt(0);
      return gzipSync(damaged);
    },
    says: /member 2 .*bad header checksum/,
  },
  {
    what: 'a gzip stream damaged in the middle',
    bytes: () => {
      const gz = gzipSync(plainTar);
      for (let i = gz.length >> 2; i < (gz.length >> 2) + 16; i++) gz[i]! ^= 0x5a;
      return gz;
    },
    says: /./,
  },
  {
    what: 'a gzip whose content damage only the CRC-32 trailer reveals',
    bytes: () => {
      const padded = Buffer.concat([plainTar, Buffer.alloc(256 * 1024)]);
      const gz = storedGzip(padded);
      const at = gz.indexOf('b line of text');
      assert.ok(at > 0);
      gz[at] = 'B'.charCodeAt(0);
      return gz;
    },
    says: /incorrect data check/,
  },
];

for (const c of cases) {
  test(`${c.what} is TAR_INVALID naming the file, and nothing is recorded`, async (t) => {
    const dir = makeTempDir('hacktree-e2e-damaged-case');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const repo = copySeededRepo(seed, join(dir, 'repo'));
    const tarball = join(dir, ARTIFACT_NAME);
    writeFileSync(tarball, c.bytes());

    for (const [via, args] of [
      ['artifact import', ['artifact', 'import', tarball]],
      ['root commit --tree tar=', ['root', 'commit', 'damaged', '--tree', `tar=${tarball}`]],
    ] as const) {
      await t.test(`via ${via}`, () => {
        const before = snapshotRepoState(repo);
        const result = runHacktree([...args], { repo });
        assertCliError(result, 'TAR_INVALID', [ARTIFACT_NAME]);
        assert.match(result.stderr, c.says);
        assertRepoUnchanged(before, snapshotRepoState(repo));
      });
    }
    assertFsckClean(repo);
    const imported = runHacktree(['artifact', 'import', seed.goodArtifact], { repo });
    assert.equal(imported.status, 0, `a good import works next: ${imported.stderr}`);
  });
}

test('the undamaged originals import fine (the damage above is what is refused)', (t) => {
  const dir = makeTempDir('hacktree-e2e-damaged-control');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const repo = copySeededRepo(seed, join(dir, 'repo'));
  for (const [name, bytes] of [
    ['random-runtime,b=opt,o=master,r=1-opt-x86_64,v=1,.tar.gz', randomTarGz],
    ['text-runtime,b=opt,o=master,r=1-opt-x86_64,v=1,.tar.gz', storedGzip(Buffer.concat([plainTar, Buffer.alloc(256 * 1024)]))],
  ] as const) {
    writeFileSync(join(dir, name), bytes);
    const imported = runHacktree(['artifact', 'import', join(dir, name)], { repo });
    assert.equal(imported.status, 0, imported.stderr);
  }
  const committed = runHacktree(['root', 'commit', 'text', '--tree', `tar=${join(dir, 'text-runtime,b=opt,o=master,r=1-opt-x86_64,v=1,.tar.gz')}`], { repo });
  assert.equal(committed.status, 0, committed.stderr);
  const cat = runHacktree(['root', 'cat', 'text', 'b'], { repo });
  assert.equal(cat.stdout, readFileSync(join(tmp, 'text', 'b'), 'utf8'));
  assertFsckClean(repo);
});
