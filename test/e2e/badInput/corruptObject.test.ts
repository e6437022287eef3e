import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertCliError } from '../../helpers/assertCliError.js';
import { makeTempDir, runHacktree } from '../../helpers/cli.js';
import { assertFsckClean, assertRepoUnchanged, gitFsck, snapshotRepoState } from '../../helpers/repoState.js';
import { copySeededRepo, makeSeededRepo, type SeededRepo } from '../../helpers/seededRepo.js';
import { gitDir } from '../../helpers/gitDir.js';

// A damaged object is OBJECT_CORRUPT naming it wherever it is read; checkout refuses it and
// leaves nothing behind; fsck names it. A checkout reads the commit, its top tree and the
// snapshot's entry cache (files/ and the meta record only without one) and links from the raw
// cache: a damaged top tree is what every checkout meets; a damaged tree below it only what
// walks files/ (fsck, native git).

let tmp: string;
let seed: SeededRepo;
before(() => {
  tmp = makeTempDir('hacktree-e2e-corrupt');
  seed = makeSeededRepo(tmp);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const revParse = (repo: string, rev: string): string => gitDir(repo, 'rev-parse', '--verify', rev);

function looseRel(oid: string): string {
  return `objects/${oid.slice(0, 2)}/${oid.slice(2)}`;
}

/** Ways to damage a loose object file; each must read as OBJECT_CORRUPT naming the object. */
const damages: Array<{ what: string; damage: (repo: string, oid: string) => void }> = [
  {
    what: 'flipped bytes',
    damage: (repo, oid) => {
      const path = join(repo, looseRel(oid));
      const bytes = readFileSync(path);
      for (let i = bytes.length >> 1; i < bytes.length; i++) bytes[i]! ^= 0xff;
      writeFileSync(path, bytes);
    },
  },
  {
    what: 'another valid object in its place',
    // Inflates and parses fine, but hashes to another id.
    damage: (repo, oid) => writeFileSync(join(repo, looseRel(oid)), readFileSync(join(repo, looseRel(revParse(repo, 'base:files/usr'))))),
  },
];

for (const { what, damage } of damages) {
  for (const [which, rev, readers] of [
    ['top tree', 'base^{tree}', ['checkout', 'root ls', 'root commit --tree ref=']],
    // Only fsck and git walk files/ (once the entry cache exists, as it does from the commit).
    ['tree below the top', 'base:files/usr/bin', []],
  ] as const) {
    const refusing = readers.length === 0 ? '' : `${readers.join(', ')} refuse it with OBJECT_CORRUPT, `;
    test(`a loose ${which} object with ${what}: ${refusing}fsck names it`, async (t) => {
      const dir = makeTempDir('hacktree-e2e-corrupt-case');
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const repo = copySeededRepo(seed, join(dir, 'repo'));
      const tree = revParse(repo, rev);
      damage(repo, tree);
      const before = snapshotRepoState(repo);

      if ((readers as readonly string[]).includes('checkout')) {
        await t.test('checkout', () => {
          const dest = join(dir, 'dest');
          assertCliError(runHacktree(['checkout', 'base', dest], { repo }), 'OBJECT_CORRUPT', [tree]);
          assert.ok(!existsSync(dest), 'no destination');
          assert.deepEqual(readdirSync(dir).sort(), ['repo'], 'no staging directory beside the destination');
        });
      }
      if ((readers as readonly string[]).includes('root ls')) {
        await t.test('root ls', () => {
          assertCliError(runHacktree(['root', 'ls', 'base', 'usr/bin'], { repo }), 'OBJECT_CORRUPT', [tree]);
        });
      }
      if ((readers as readonly string[]).includes('root commit --tree ref=')) {
        await t.test('root commit --tree ref=', () => {
          assertCliError(runHacktree(['root', 'commit', 'copy', '--tree', 'ref=base'], { repo }), 'OBJECT_CORRUPT', [tree]);
        });
      }
      assertRepoUnchanged(before, snapshotRepoState(repo));

      await t.test('fsck', () => {
        const fsck = runHacktree(['fsck'], { repo });
        assertCliError(fsck, 'FSCK_FAILED');
        assert.match(fsck.stdout, new RegExp(`^object-corrupt\\t${join(repo, looseRel(tree))}\\t`, 'm'), fsck.stdout);
        assert.notEqual(gitFsck(repo).status, 0, 'native git fsck agrees');
      });
    });
  }
}

test('a loose blob with flipped bytes: fsck names it, reading it is OBJECT_CORRUPT, fsck --repair restores it from the raw cache', (t) => {
  const dir = makeTempDir('hacktree-e2e-corrupt-blob');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const repo = copySeededRepo(seed, join(dir, 'repo'));
  const blob = revParse(repo, 'base:files/README');
  damages[0]!.damage(repo, blob);

  const fsck = runHacktree(['fsck'], { repo });
  assertCliError(fsck, 'FSCK_FAILED');
  assert.match(fsck.stdout, new RegExp(`^object-corrupt\\t${join(repo, looseRel(blob))}\\t`, 'm'), fsck.stdout);
  assert.notEqual(gitFsck(repo).status, 0, 'native git fsck agrees');
  assertCliError(runHacktree(['root', 'cat', 'base', 'README'], { repo }), 'OBJECT_CORRUPT', [blob]);

  const repair = runHacktree(['fsck', '--repair'], { repo });
  assert.equal(repair.status, 0, `${repair.stdout}${repair.stderr}`);
  assertFsckClean(repo);
  assert.equal(runHacktree(['root', 'cat', 'base', 'README'], { repo }).stdout, 'seed\n');
});
