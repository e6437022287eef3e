import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hashObject } from '../../src/model/git/gitObject.js';
import { compareTreeNames, parseTree, serializeTree, type GitTreeEntry } from '../../src/model/git/gitTree.js';
import type { Oid } from '../../src/model/git/oid.js';

// Names whose order differs between naive string order and git's (UTF-8 bytes, a directory
// as if it ended in "/"): "foo" the directory after "foo.c" and "foo-bar" but before "foo0";
// a character above U+FFFF (a surrogate pair in JavaScript) after U+E000-U+FFFF ones.
const blob = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391' as Oid;
const tree = '4b825dc642cb6eb9a060e54bf8d69288fbe4904b' as Oid;
const entries: GitTreeEntry[] = [
  { mode: '40000', name: 'foo', oid: tree },
  { mode: '100644', name: 'foo.c', oid: blob },
  { mode: '100644', name: 'foo-bar', oid: blob },
  { mode: '100755', name: 'foo0', oid: blob },
  { mode: '120000', name: 'Z', oid: blob },
  { mode: '100644', name: 'é', oid: blob },
  { mode: '100644', name: '\u{1F600}', oid: blob },
  { mode: '100644', name: '\uFF21', oid: blob },
  { mode: '100644', name: '\uE000x', oid: blob },
  { mode: '40000', name: 'a', oid: tree },
  { mode: '100644', name: 'a.b', oid: blob },
];

test('serializeTree orders names as git does and gives the tree id git mktree gives', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hacktree-gittree-'));
  try {
    execFileSync('git', ['init', '-q', '--bare', dir]);
    const mktree = entries.map((e) => `${e.mode.padStart(6, '0')} ${e.mode === '40000' ? 'tree' : 'blob'} ${e.oid}\t${e.name}`).join('\n') + '\n';
    const expected = execFileSync('git', [`--git-dir=${dir}`, 'mktree', '--missing'], { input: mktree, encoding: 'utf8' }).trim();
    const body = serializeTree(entries);
    assert.equal(hashObject('tree', body), expected);
    assert.deepEqual(
      parseTree(body, expected).map((e) => e.name),
      ['Z', 'a.b', 'a', 'foo-bar', 'foo.c', 'foo', 'foo0', 'é', '\uE000x', '\uFF21', '\u{1F600}'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('compareTreeNames is the byte order of the names in UTF-8', () => {
  const names = ['', 'a', 'a/', 'a.', 'ab', 'é', '\uD7FF', '\uE000', '\uFFFF', '\u{10000}', '\u{1F600}', 'z'];
  for (const x of names) {
    for (const y of names) {
      assert.equal(Math.sign(compareTreeNames(x, y)), Math.sign(Buffer.compare(Buffer.from(x), Buffer.from(y))), `${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
    }
  }
});

test('serializeTree refuses an id that is not 40 hex digits rather than write a bad tree', () => {
  assert.throws(() => serializeTree([{ mode: '100644', name: 'x', oid: 'not-an-id' as Oid }]), /40 hex digits/);
});
