import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, linkSync, lutimesSync, mkdirSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { lstatEntry, readDirectoryEntries } from '../../src/platform/fs/readDirectoryEntries.js';
import { writeXattrs } from '../../src/platform/fs/readXattrs.js';
import { nativeAddon } from '../../src/platform/native/nativeAddon.js';
import { makeTempDir, runHacktree } from '../helpers/cli.js';
import { assertFsckClean } from '../helpers/repoState.js';
import { fingerprintDifferences, treeFingerprint } from '../helpers/treeFingerprint.js';

// The native addon and the JavaScript it stands in for (HACKTREE_NATIVE=0, or a build without
// it) must see and make the same trees: the same scanned entries, the same snapshot, the same
// checkout. The tree holds what either side once got differently or could get wrong: a file
// with 100 xattrs (the addon refused more than 64), 255-byte names, times before 1970 (the
// addon printed them unsigned), symlinks, devices, a fifo, hardlinks, setuid and other owners.
let work: string;
let tree: string;
const OLD = new Date('1960-06-01T12:00:00.123Z');
const FUTURE = new Date('2400-01-01T00:00:00Z');

before(() => {
  work = makeTempDir('hacktree-native-parity');
  tree = join(work, 'tree');
  mkdirSync(join(tree, 'sub', 'deeper'), { recursive: true });
  writeFileSync(join(tree, 'many-xattrs'), 'x');
  writeXattrs(
    join(tree, 'many-xattrs'),
    Array.from({ length: 100 }, (_, i) => ({ name: `user.attribute-${String(i).padStart(3, '0')}`, value: Buffer.from(`value ${i}`) })),
  );
  const longName = 'n'.repeat(251) + '.txt';
  writeFileSync(join(tree, longName), 'long');
  mkdirSync(join(tree, 'd'.repeat(255)));
  writeFileSync(join(tree, 'd'.repeat(255), 'é'.repeat(127)), 'two-byte characters: 254 bytes');
  writeFileSync(join(tree, 'sub', 'old'), 'from before 1970');
  utimesSync(join(tree, 'sub', 'old'), OLD, OLD);
  symlinkSync('../many-xattrs', join(tree, 'sub', 'old-link'));
  lutimesSync(join(tree, 'sub', 'old-link'), OLD, OLD);
  symlinkSync('/nowhere/dangling', join(tree, 'dangling'));
  symlinkSync('ünïcode target', join(tree, 'unicode-link'));
  writeFileSync(join(tree, 'sub', 'deeper', 'setuid'), '#!/bin/sh\n');
  chownSync(join(tree, 'sub', 'deeper', 'setuid'), 1000, 100);
  chmodSync(join(tree, 'sub', 'deeper', 'setuid'), 0o4755);
  writeFileSync(join(tree, 'empty'), '');
  linkSync(join(tree, 'empty'), join(tree, 'sub', 'hardlink-of-empty'));
  mkdirSync(join(tree, 'tagged-dir'));
  writeXattrs(join(tree, 'tagged-dir'), [{ name: 'user.dir', value: Buffer.from([0, 1, 255]) }]);
  for (const [name, type, numbers] of [['fifo', 'p', []], ['null', 'c', ['1', '3']], ['loop9', 'b', ['7', '9']]] as const) {
    const made = spawnSync('mknod', [join(tree, 'sub', name), type, ...numbers], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
  }
  utimesSync(join(tree, 'sub', 'deeper'), OLD, OLD);
  // Past 2262, where a time in nanoseconds no longer fits 64 bits (ext4 keeps times to 2446).
  writeFileSync(join(tree, 'sub', 'far-future'), 'from 2400');
  utimesSync(join(tree, 'sub', 'far-future'), FUTURE, FUTURE);
});
after(() => rmSync(work, { recursive: true, force: true }));

test('the addon scans every directory of the tree as node:fs and @napi-rs/xattr do, times before 1970 and after 2262 included', () => {
  assert.ok(nativeAddon(), 'the native addon is built (npm run build)');
  const directories = (dir: string): string[] => [
    dir,
    ...readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? directories(join(dir, e.name)) : [])),
  ];
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const dir of directories(tree)) {
    const native = readDirectoryEntries(dir).sort(byName);
    const javascript = readdirSync(dir).map((name) => lstatEntry(join(dir, name), name)).sort(byName);
    assert.deepEqual(native, javascript, dir);
  }
  const scanned = readDirectoryEntries(join(tree, 'sub'));
  for (const name of ['old', 'old-link', 'deeper']) {
    // utimes takes seconds as a double: the nanoseconds come back within a microsecond.
    const mtimeNs = BigInt(scanned.find((e) => e.name === name)!.stamp.split(':')[0]!);
    const off = mtimeNs - BigInt(OLD.getTime()) * 1_000_000n;
    assert.ok(mtimeNs < 0n && off > -1_000_000n && off < 1_000_000n, `${name}'s mtime is 1960's, negative: ${mtimeNs}`);
  }
  const future = BigInt(scanned.find((e) => e.name === 'far-future')!.stamp.split(':')[0]!);
  assert.equal(future, BigInt(FUTURE.getTime()) * 1_000_000n, 'a time past 2262, whole');
  assert.equal(readDirectoryEntries(tree).find((e) => e.name === 'many-xattrs')!.xattrs.length, 100);
});

test('a commit and a checkout with the addon and without it (HACKTREE_NATIVE=0) give the same snapshot and the same trees', () => {
  const source = treeFingerprint(tree);
  const trees: string[] = [];
  for (const native of ['1', '0']) {
    const repo = join(work, `repo-${native}`);
    const env = { HACKTREE_NATIVE: native };
    assert.equal(runHacktree(['init'], { repo, env }).status, 0);
    // Twice: the second commit goes through the stat cache, which the scan's stamps key.
    for (const branch of ['root-a', 'root-b']) {
      const commit = runHacktree(['root', 'commit', branch, '--tree', `dir=${tree}`, '--json'], { repo, env });
      assert.equal(commit.status, 0, commit.stderr);
      trees.push(JSON.parse(commit.stdout).tree);
    }
    assertFsckClean(repo);
    // Each repository's snapshot checked out both ways.
    for (const checkoutNative of ['1', '0']) {
      const out = join(work, `checkout-${native}-${checkoutNative}`);
      const checkout = runHacktree(['checkout', 'root-a', out], { repo, env: { HACKTREE_NATIVE: checkoutNative } });
      assert.equal(checkout.status, 0, checkout.stderr);
      const made = treeFingerprint(out);
      made.delete('.');
      const wanted = new Map(source);
      wanted.delete('.');
      assert.deepEqual(fingerprintDifferences(wanted, made), [], `committed with HACKTREE_NATIVE=${native}, checked out with ${checkoutNative}`);
    }
  }
  assert.equal(new Set(trees).size, 1, `one tree id for all four commits: ${trees.join(' ')}`);
});
