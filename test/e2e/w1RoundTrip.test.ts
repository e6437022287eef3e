import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureW1 } from '../fixtures/w1.js';
import { makeTempDir, runHacktree } from '../helpers/cli.js';
import { fingerprintDifferences, treeFingerprint } from '../helpers/treeFingerprint.js';

// The real Debian root filesystem (13.5k entries: setuid binaries, /dev nodes, a fifo, empty
// directories, symlinks, hardlinks, xattrs, odd owners) through commit and checkout.
let work: string;
let repo: string;
let w1: ReturnType<typeof ensureW1>;
let w1Fingerprint: Map<string, string>;
let firstTree: string;

function ok(args: string[]): string {
  const r = runHacktree(args, { repo });
  assert.equal(r.status, 0, `hacktree ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

before(() => {
  w1 = ensureW1();
  work = makeTempDir('hacktree-w1');
  repo = join(work, 'repo');
  ok(['init']);
  w1Fingerprint = treeFingerprint(w1.rootfs);
});
after(() => rmSync(work, { recursive: true, force: true }));

test('commit of W1 records every entry', () => {
  const result = JSON.parse(ok(['root', 'commit', 'root-w1', '--tree', `dir=${w1.rootfs}`, '--json'])) as { tree: string; entries: number; commit: string };
  firstTree = result.tree;
  assert.equal(result.entries, w1Fingerprint.size);
  assert.match(execFileSync('git', ['--git-dir', repo, 'log', '--format=%H', 'root-w1'], { encoding: 'utf8' }), new RegExp(result.commit));
  execFileSync('git', ['--git-dir', repo, 'fsck', '--strict', '--no-dangling'], { stdio: 'pipe' });
});

test('the commit wrote its blobs into packs (one per worker) that git verify-pack and hacktree fsck accept', () => {
  const packDir = join(repo, 'objects', 'pack');
  const names = readdirSync(packDir).sort();
  const packs = names.filter((n) => n.endsWith('.pack'));
  assert.ok(packs.length >= 1, `packs in ${packDir}: ${names.join(' ')}`);
  assert.deepEqual(names, packs.flatMap((p) => [p.replace(/\.pack$/, '.idx'), p]).sort(), 'each pack has its index, and nothing else is there');
  for (const pack of packs) execFileSync('git', ['--git-dir', repo, 'verify-pack', join(packDir, pack.replace(/\.pack$/, '.idx'))], { stdio: 'pipe' });
  // Hardly any loose blobs: trees, the meta record, and the few files streamed for their size.
  const loose = execFileSync('git', ['--git-dir', repo, 'count-objects', '-v'], { encoding: 'utf8' });
  assert.ok(Number(/^count: (\d+)$/m.exec(loose)![1]) < 2000, loose);
  const fsck = JSON.parse(ok(['fsck', '--json'])) as { checked: { packs: number }; remaining: number };
  assert.equal(fsck.checked.packs, packs.length);
  assert.equal(fsck.remaining, 0);
});

test('hardlinked checkout equals W1 in type, mode, owner, size, content, target, xattrs and device numbers', () => {
  const dest = join(work, 'checkout');
  ok(['checkout', 'root-w1', dest]);
  const differences = fingerprintDifferences(w1Fingerprint, treeFingerprint(dest));
  assert.deepEqual(differences, []);
  // Hardlinked from the raw object cache, setuid bit and all.
  const passwd = statSync(join(dest, 'usr/bin/passwd'));
  assert.ok(passwd.nlink >= 2, 'usr/bin/passwd is a hardlink into the raw cache');
  assert.equal(passwd.mode & 0o7777, 0o4755);
  // Symlinks and device nodes are hardlinked from the raw cache too (as ostree's bare repos do).
  const bin = lstatSync(join(dest, 'bin'));
  assert.ok(bin.isSymbolicLink() && bin.nlink >= 2, 'the bin -> usr/bin symlink is a hardlink into the raw cache');
  const devNull = lstatSync(join(dest, 'dev/null'));
  assert.ok(devNull.isCharacterDevice() && devNull.nlink >= 2, '/dev/null is a hardlink into the raw cache');
});

test('committing the checkout again gives the same tree id, and packs no blob again', () => {
  const packsBefore = readdirSync(join(repo, 'objects', 'pack')).sort();
  const again = JSON.parse(ok(['root', 'commit', 'root-w1-again', '--tree', `dir=${join(work, 'checkout')}`, '--json'])) as { tree: string };
  assert.equal(again.tree, firstTree);
  // Every file is read again (another directory: no stat cache), but every blob is packed already.
  assert.deepEqual(readdirSync(join(repo, 'objects', 'pack')).sort(), packsBefore);
});

test('an unchanged second commit of W1 gives the same tree id', () => {
  const packCount = readdirSync(join(repo, 'objects', 'pack')).length;
  const second = JSON.parse(ok(['root', 'commit', 'root-w1', '--tree', `dir=${w1.rootfs}`, '--json'])) as { tree: string; parent: string };
  assert.equal(second.tree, firstTree);
  assert.ok(second.parent, 'the second commit has the first as parent');
  assert.equal(readdirSync(join(repo, 'objects', 'pack')).length, packCount, 'no new pack');
});

test('--copy checkout is independent of the store and still exact', () => {
  const dest = join(work, 'copy');
  ok(['checkout', 'root-w1', dest, '--copy']);
  assert.deepEqual(fingerprintDifferences(w1Fingerprint, treeFingerprint(dest)), []);
  assert.equal(statSync(join(dest, 'usr/bin/passwd')).nlink, 1);
});
