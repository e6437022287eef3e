import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FsEntry } from '../../src/model/snapshot/fsEntry.js';
import { hashObject } from '../../src/model/git/gitObject.js';
import { compareTreeNames, parseTree, serializeTree, type GitTreeEntry } from '../../src/model/git/gitTree.js';
import { parseManifest, serializeManifest } from '../../src/model/snapshot/manifest.js';
import { parseMeta, serializeMeta } from '../../src/model/snapshot/metaRecord.js';
import type { Oid } from '../../src/model/git/oid.js';
import { decodePathBytes, encodePathBytes, fsPath, hasRawBytes, pathByteLength, quotePath, unquotePath } from '../../src/model/snapshot/pathBytes.js';
import type { RepoPath } from '../../src/model/snapshot/repoPath.js';
import { decodeHeader, encodeHeader } from '../../src/model/tar/tarHeader.js';

const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

/** A deterministic stream of pseudo-random bytes (xorshift), so a failure can be replayed. */
function randomBytes(seed: number, length: number): Buffer {
  let x = seed;
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

test('valid UTF-8 decodes as node decodes it, and encodes back to the same bytes', () => {
  for (const text of ['usr/bin/sh', 'é', 'caf\u00e9/\u{1F600}', '\uFFFD literal replacement char', '\uE000x', '']) {
    assert.equal(decodePathBytes(Buffer.from(text)), text);
    assert.equal(hasRawBytes(text), false);
    assert.deepEqual(encodePathBytes(text), Buffer.from(text));
    assert.equal(pathByteLength(text), Buffer.byteLength(text));
    assert.equal(fsPath(text), text, 'a UTF-8 path goes to node:fs as the same string');
  }
});

test('bytes that are not UTF-8 become U+DC80+byte (Python\'s surrogateescape) and round-trip exactly', () => {
  assert.equal(decodePathBytes(bytes('a', [0xff])), 'a\udcff');
  assert.equal(decodePathBytes(bytes('a', [0xfe])), 'a\udcfe');
  assert.notEqual(decodePathBytes(bytes('a', [0xff])), decodePathBytes(bytes('a', [0xfe])), 'two names stay two names');
  // A truncated sequence, an overlong encoding, an encoded surrogate, a code point above U+10FFFF.
  assert.equal(decodePathBytes(bytes([0xe2, 0x82], 'x')), '\udce2\udc82x');
  assert.equal(decodePathBytes(bytes([0xc0, 0xaf])), '\udcc0\udcaf');
  assert.equal(decodePathBytes(bytes([0xed, 0xa0, 0x80])), '\udced\udca0\udc80');
  assert.equal(decodePathBytes(bytes([0xf4, 0x90, 0x80, 0x80])), '\udcf4\udc90\udc80\udc80');
  assert.equal(decodePathBytes(bytes('\u00e9', [0xff], '\u{1F480}')), '\u00e9\udcff\u{1F480}');
  assert.deepEqual(fsPath('a\udcff'), bytes('a', [0xff]));
  // U+1F480's low surrogate is \udc80: a pair, not a raw byte.
  assert.equal(hasRawBytes('\u{1F480}'), false);
  assert.equal(pathByteLength('a\udcff\u{1F480}'), 6);
  for (let seed = 1; seed <= 300; seed++) {
    const raw = randomBytes(seed, 1 + (seed % 40));
    const text = decodePathBytes(raw);
    assert.deepEqual(encodePathBytes(text), raw, `seed ${seed}`);
    assert.equal(pathByteLength(text), raw.length, `seed ${seed}`);
    assert.equal(decodePathBytes(encodePathBytes(text)), text, `seed ${seed}`);
    // Python agrees on the string (checked for a few: it runs a process each).
    if (seed % 50 === 0) {
      const python = execFileSync('python3', ['-c', 'import sys, json; print(json.dumps(sys.stdin.buffer.read().decode("utf-8", "surrogateescape")))'], { input: raw, encoding: 'utf8' });
      assert.equal(JSON.parse(python), text, `seed ${seed}: Python's surrogateescape gives the same string`);
    }
  }
});

test('quotePath shows UTF-8 names as they are and quotes the others unambiguously', () => {
  assert.equal(quotePath('/usr/bin/caf\u00e9'), '/usr/bin/caf\u00e9');
  assert.equal(quotePath('/a\\xff'), '/a\\xff', 'a literal backslash-x name is not quoted');
  assert.equal(quotePath('/a\udcff'), '"/a\\xff"');
  assert.equal(quotePath('a\tb\nc\\d"e\udc80'), '"a\\tb\\nc\\\\d\\"e\\x80"');
  assert.equal(quotePath('"quoted"'), '"\\"quoted\\""');
  for (const name of ['/a\udcff', '/a\\xff', 'a\tb\nc\\d"e\udc80', '"quoted"', '/caf\u00e9', '/plain']) {
    assert.equal(unquotePath(quotePath(name)), name, `${JSON.stringify(name)} comes back from its quoted form`);
  }
});

test('git tree names are the exact bytes, in git\'s byte order, with the id git mktree gives', () => {
  const blob = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391' as Oid;
  const tree = '4b825dc642cb6eb9a060e54bf8d69288fbe4904b' as Oid;
  const names = ['a\udcff', 'a\udcfe', 'a\udc80', 'a\u00e9', 'a\u{1F600}', 'a', 'ab', 'a\udcc3x'];
  const entries: GitTreeEntry[] = names.map((name, i) => ({ mode: i === 2 ? '40000' : '100644', name, oid: i === 2 ? tree : blob }));
  const dir = mkdtempSync(join(tmpdir(), 'hacktree-pathbytes-'));
  try {
    execFileSync('git', ['init', '-q', '--bare', dir]);
    const input = Buffer.concat(entries.map((e) => bytes(`${e.mode.padStart(6, '0')} ${e.mode === '40000' ? 'tree' : 'blob'} ${e.oid}\t`, [...encodePathBytes(e.name)], '\n')));
    const expected = execFileSync('git', [`--git-dir=${dir}`, 'mktree', '--missing'], { input, encoding: 'utf8' }).trim();
    const body = serializeTree(entries);
    assert.equal(hashObject('tree', body), expected);
    const parsed = parseTree(body, expected);
    assert.deepEqual(new Set(parsed.map((e) => e.name)), new Set(names), 'every name comes back exactly');
    const order = parsed.map((e) => encodePathBytes(e.mode === '40000' ? `${e.name}/` : e.name));
    for (let i = 1; i < order.length; i++) assert.ok(Buffer.compare(order[i - 1]!, order[i]!) < 0, 'byte order');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (let seed = 1; seed <= 200; seed++) {
    const a = decodePathBytes(randomBytes(seed, 3));
    const b = decodePathBytes(randomBytes(seed + 1000, 3));
    assert.equal(Math.sign(compareTreeNames(a, b)), Math.sign(Buffer.compare(encodePathBytes(a), encodePathBytes(b))), `seed ${seed}`);
  }
});

test('the meta record and manifest carry names and targets that are not UTF-8 exactly, as UTF-8 text', () => {
  const meta = { mode: 0o644, uid: 0, gid: 0, xattrs: [] };
  const entries: FsEntry[] = [
    { kind: 'dir', path: '.' as RepoPath, ...meta, mode: 0o755 },
    { kind: 'file', path: 'a\udcff' as RepoPath, ...meta, size: 1, oid: 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391' as Oid },
    { kind: 'file', path: 'a\udcfe' as RepoPath, ...meta, size: 1, oid: 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391' as Oid },
    { kind: 'file', path: 'a\\xff' as RepoPath, ...meta, size: 1, oid: 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391' as Oid },
    { kind: 'symlink', path: 'l' as RepoPath, ...meta, mode: 0o777, target: 't\udcff/\u00e9', oid: 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391' as Oid },
  ];
  const text = serializeMeta(entries);
  assert.ok(text.includes('a\\xff\tf'), text);
  assert.ok(text.includes('a\\\\xff\tf'), 'a literal backslash is escaped, so the two differ');
  assert.ok(text.includes('t\\xff/\u00e9'), text);
  assert.equal(hasRawBytes(text), false, 'the record itself is valid UTF-8');
  const parsed = parseMeta(Buffer.from(text).toString('utf8'));
  assert.deepEqual(parsed.map((e) => e.path).sort(), ['.', 'a\\xff', 'a\udcfe', 'a\udcff', 'l'].sort());
  assert.equal(parsed.find((e) => e.kind === 'symlink')!.kind === 'symlink' && (parsed.find((e) => e.kind === 'symlink') as { target: string }).target, 't\udcff/\u00e9');
  // A record of UTF-8 names is what it always was.
  assert.equal(serializeMeta([entries[0]!, { ...entries[1]!, path: 'caf\u00e9' as RepoPath }]), 'hacktree-meta 1\n.\td\t0755\t0\t0\t-\t-\ncaf\u00e9\tf\t0644\t0\t0\t1\t-\n');
  const manifest = serializeManifest(new Map([['a\udcff' as RepoPath, 'x-runtime'], ['a\udcfe' as RepoPath, 'y-runtime']]));
  assert.deepEqual(parseManifest(manifest), new Map([['a\udcfe', 'y-runtime'], ['a\udcff', 'x-runtime']]));
});

test('tar headers carry names and link names that are not UTF-8 as their bytes', () => {
  const header = {
    name: 'd\udcfc/a\udcff', mode: 0o777, uid: 0, gid: 0, size: 0, mtime: 0, typeflag: '2',
    linkname: 't\udcff', uname: '', gname: '', devmajor: 0, devminor: 0,
  };
  const block = encodeHeader(header);
  assert.deepEqual(block.subarray(0, 5), bytes('d', [0xfc], '/a', [0xff]));
  assert.deepEqual(block.subarray(157, 159), bytes('t', [0xff]));
  const decoded = decodeHeader(block);
  assert.equal(decoded.name, header.name);
  assert.equal(decoded.linkname, header.linkname);
});
