import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FsEntry } from '../../src/model/snapshot/fsEntry.js';
import type { Oid } from '../../src/model/git/oid.js';
import { diffMetaRecords, selectMetaLines } from '../../src/model/snapshot/diffMetaRecords.js';
import { META_HEADER, parseMeta, serializeMeta, unescapeField } from '../../src/model/snapshot/metaRecord.js';
import type { RepoPath } from '../../src/model/snapshot/repoPath.js';

// diffMetaRecords passes over the lines two records start and end with: it must name exactly the
// paths a line-by-line comparison of the whole records names, wherever the changes are.
const meta = { mode: 0o644, uid: 0, gid: 0, xattrs: [] };
const file = (path: string, size = 1): FsEntry => ({ ...meta, kind: 'file', path: path as RepoPath, oid: 'a'.repeat(40) as Oid, size });
const dir = (path: string): FsEntry => ({ ...meta, mode: 0o755, kind: 'dir', path: path as RepoPath });

/** The whole-record comparison, as a reference. */
function reference(before: string, after: string): string[] {
  const lines = (text: string) => text.split('\n').slice(1).filter((line) => line !== '');
  const path = (line: string) => unescapeField(line.slice(0, line.indexOf('\t')));
  const old = new Map(lines(before).map((line) => [path(line), line]));
  const changed = new Set<string>();
  for (const line of lines(after)) {
    if (old.get(path(line)) !== line) changed.add(path(line));
    old.delete(path(line));
  }
  for (const p of old.keys()) changed.add(p);
  return [...changed].sort();
}

/** A deterministic pseudo-random sequence (tests must not differ between runs). */
function random(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

const base: FsEntry[] = [dir('.')];
for (let i = 0; i < 40; i++) {
  base.push(dir(`d${i}`));
  for (let j = 0; j < 5; j++) base.push(file(`d${i}/f${j}`, j + 1));
}

test('any edits, near each other or far apart, at the ends or in the middle: the paths a whole comparison names', () => {
  const next = random(14);
  for (let round = 0; round < 300; round++) {
    const after = base.map((e) => ({ ...e }));
    const edits = 1 + Math.floor(next() * 4);
    for (let k = 0; k < edits; k++) {
      const at = Math.floor(next() * after.length);
      const what = next();
      if (what < 0.3 && after[at]!.kind === 'file') (after[at] as Extract<FsEntry, { kind: 'file' }>).size += 1;
      else if (what < 0.5 && at > 0 && after[at]!.kind === 'file') after.splice(at, 1);
      else if (what < 0.7) after.push(file(`${after[at]!.path === '.' ? 'top' : after[at]!.path}${next() < 0.5 ? '/' : '-'}n${round}x${k}`));
      else after[at] = { ...after[at]!, uid: 5 };
    }
    // Parents of the added paths (a file's "child" made a directory too) do not matter here: records are compared as text.
    const b = serializeMeta(base);
    const a = serializeMeta(after);
    const { changed, entries } = diffMetaRecords(b, a);
    assert.deepEqual([...changed].sort(), reference(b, a), `round ${round}`);
    assert.equal(entries, after.length);
  }
});

test('identical records, an empty record, the first and the last line changed', () => {
  const b = serializeMeta(base);
  assert.deepEqual(diffMetaRecords(b, b), { changed: [], entries: base.length });
  assert.deepEqual(diffMetaRecords(`${META_HEADER}\n`, `${META_HEADER}\n`), { changed: [], entries: 0 });
  assert.deepEqual(diffMetaRecords(`${META_HEADER}\n`, b).changed.length, base.length);
  const first = serializeMeta(base.map((e) => (e.path === '.' ? { ...e, mode: 0o700 } : e)));
  assert.deepEqual(diffMetaRecords(b, first).changed, ['.']);
  const last = serializeMeta(base.map((e) => (e.path === 'd9/f4' ? file('d9/f4', 99) : e)));
  assert.deepEqual(diffMetaRecords(b, last).changed, ['d9/f4']);
});

test('selectMetaLines finds paths the record escapes (tab, newline, backslash, bytes not UTF-8)', () => {
  const odd = ['d1/a\tb', 'd1/new\nline', 'd1/back\\slash', 'd1/raw\udcff'];
  const record = serializeMeta([...base, ...odd.map((p) => file(p))]);
  const picked = parseMeta(selectMetaLines(record, new Set(['.', 'd1', ...odd])));
  assert.deepEqual(picked.map((e) => e.path).sort(), ['.', 'd1', ...odd].sort());
  assert.deepEqual(parseMeta(selectMetaLines(record, new Set())), []);
});
