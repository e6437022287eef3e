import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import { componentKey, DEFAULT_VALID_FOR_SECONDS, emptyStaticIndex, indexExpiry, parseStaticIndex, serializeStaticIndex, type StaticIndex } from '../../src/model/static/staticIndex.js';
import type { Oid } from '../../src/model/git/oid.js';
import { keepNewestCommits } from '../../src/model/static/keepNewestCommits.js';

const commit = 'c'.repeat(40) as Oid;
const packId = 'f'.repeat(64);

function sample(): StaticIndex {
  const index = emptyStaticIndex();
  index.serial = 3;
  index.roots['root-x'] = commit;
  index.commits[commit] = { branch: 'root-x', parents: [], packs: [packId] };
  index.packs[packId] = { kind: 'root', name: commit, key: commit, size: 10, objects: 2, gitPack: 'a'.repeat(40), dumbPack: 'b'.repeat(40) };
  return index;
}

const refused = (bytes: Buffer, why: RegExp) =>
  assert.throws(() => parseStaticIndex(bytes, 'index.json'), (err) => isHacktreeError(err, 'STATIC_INDEX_INVALID') && why.test(err.message));

test('an index round-trips through its bytes', () => {
  assert.deepEqual(parseStaticIndex(serializeStaticIndex(sample()), 'index.json'), sample());
});

test('a damaged or foreign index is refused, saying what is wrong', () => {
  refused(Buffer.from('<html>'), /not JSON/);
  refused(Buffer.from(JSON.stringify({ ...sample(), format: 'ostree' })), /format/);
  refused(Buffer.from(JSON.stringify({ ...sample(), serial: 0 })), /serial/);
  const unknownPack = sample();
  unknownPack.commits[commit]!.packs.push('e'.repeat(64));
  refused(serializeStaticIndex(unknownPack), /needs pack e{64}/);
  const danglingRoot = sample();
  danglingRoot.roots['root-y'] = 'd'.repeat(40) as Oid;
  refused(serializeStaticIndex(danglingRoot), /root-y/);
  const badPack = sample();
  badPack.packs[packId]!.size = -1;
  refused(serializeStaticIndex(badPack), /not described correctly/);
});

test('an index expires at its expires; one without (written before expiries) 7 days after it was published; a malformed time is refused', () => {
  const index = { ...sample(), published: '2026-12-01T00:00:00.000Z' };
  assert.equal(indexExpiry(index), Date.parse('2026-12-01T00:00:00.000Z') + DEFAULT_VALID_FOR_SECONDS * 1000);
  assert.equal(DEFAULT_VALID_FOR_SECONDS, 7 * 86_400);
  assert.equal(indexExpiry({ ...index, expires: '2026-12-02T12:00:00.000Z' }), Date.parse('2026-12-02T12:00:00.000Z'));
  refused(Buffer.from(JSON.stringify({ ...index, expires: 'next week' })), /expiry is not a time/);
  refused(Buffer.from(JSON.stringify({ ...index, expires: 7 })), /expiry is not a time/);
  refused(Buffer.from(JSON.stringify({ ...index, published: 'yesterday' })), /publication time/);
});

test('a component pack is keyed by its blobs, whatever order or repetition', () => {
  const a = '1'.repeat(40);
  const b = '2'.repeat(40);
  assert.equal(componentKey([a, b]), componentKey([b, a, b]));
  assert.notEqual(componentKey([a]), componentKey([a, b]));
});

test('keepNewestCommits keeps each root\'s newest first parents and the packs they (and their deltas) need', () => {
  const index = emptyStaticIndex();
  index.serial = 1;
  const c = (n: number) => String(n).repeat(40) as Oid;
  const p = (n: number) => String(n).repeat(64);
  const pack = (kind: 'root' | 'delta' | 'component') => ({ kind, name: 'x', key: 'x', size: 1, objects: 1, gitPack: 'a'.repeat(40), ...(kind === 'delta' ? {} : { dumbPack: 'b'.repeat(40) }) });
  for (const n of [1, 2, 3, 4]) index.packs[p(n)] = pack('root');
  index.packs[p(5)] = pack('delta');
  index.packs[p(6)] = pack('component');
  index.commits[c(1)] = { branch: 'root-x', parents: [], packs: [p(1), p(6)] };
  index.commits[c(2)] = { branch: 'root-x', parents: [c(1)], packs: [p(2), p(6)] };
  index.commits[c(3)] = { branch: 'root-x', parents: [c(2)], packs: [p(3), p(6)], delta: { from: c(2), pack: p(5) } };
  index.commits[c(4)] = { branch: 'root-y', parents: [], packs: [p(4)] };
  index.roots = { 'root-x': c(3), 'root-y': c(4) };
  assert.deepEqual(keepNewestCommits(index, 1).sort(), [p(1), p(2)]);
  assert.deepEqual(Object.keys(index.commits).sort(), [c(3), c(4)]);
  assert.deepEqual(Object.keys(index.packs).sort(), [p(3), p(4), p(5), p(6)]);
  parseStaticIndex(serializeStaticIndex(index), 'index.json');
});
