import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyOverlayChanges } from '../../src/model/snapshot/applyOverlayChanges.js';
import type { FsEntry } from '../../src/model/snapshot/fsEntry.js';
import type { Oid } from '../../src/model/git/oid.js';
import { diffMetaRecords, selectMetaLines } from '../../src/model/snapshot/diffMetaRecords.js';
import { parseMeta, serializeMeta } from '../../src/model/snapshot/metaRecord.js';
import { overlayBlocker, overlayLayerOf } from '../../src/model/snapshot/overlayLayer.js';
import type { RepoPath } from '../../src/model/snapshot/repoPath.js';

const meta = { mode: 0o755, uid: 0, gid: 0, xattrs: [] };
const dir = (path: string, mode = 0o755): FsEntry => ({ ...meta, mode, kind: 'dir', path: path as RepoPath });
const file = (path: string, oid = 'a'.repeat(40), mode = 0o644): FsEntry => ({ ...meta, mode, kind: 'file', path: path as RepoPath, oid: oid as Oid, size: 1 });
const paths = (entries: readonly FsEntry[]) => entries.map((e) => `${e.kind} ${e.path}`);

const base = [
  dir('.'), dir('etc'), file('etc/issue'), file('etc/motd'), dir('usr'), dir('usr/bin'), file('usr/bin/a'), file('usr/bin/b'),
  dir('usr/share'), dir('usr/share/doc'), file('usr/share/doc/x'), file('usr/share/old'), file('var'),
];

/** The merged view of base under the layer, as overlayfs shows it. */
const merged = (target: FsEntry[]) => {
  const layer = overlayLayerOf(base, target);
  return { layer, view: applyOverlayChanges(base, { upper: layer.entries, whiteouts: layer.whiteouts, opaqueDirs: [] }) };
};

test('one changed file: the layer holds it and its directories only, and shows the target', () => {
  const target = base.map((e) => (e.path === 'usr/bin/a' ? file('usr/bin/a', 'b'.repeat(40)) : e));
  const { layer, view } = merged(target);
  assert.deepEqual(paths(layer.entries), ['dir .', 'dir usr', 'dir usr/bin', 'file usr/bin/a']);
  assert.deepEqual(layer.whiteouts, []);
  assert.deepEqual(view, target);
});

test('removals become whiteouts where the directory stays; replaced and removed trees need none beneath', () => {
  const target = [
    dir('.'), dir('etc', 0o700), file('etc/issue'), dir('usr'), dir('usr/bin'), file('usr/bin/a'), file('usr/bin/b'),
    file('usr/share'), dir('var'), file('var/new'),
  ];
  const { layer, view } = merged(target);
  assert.deepEqual(layer.whiteouts, ['etc/motd']);
  assert.deepEqual(paths(layer.entries), ['dir .', 'dir etc', 'dir usr', 'file usr/share', 'dir var', 'file var/new']);
  assert.equal(layer.entries.find((e) => e.path === 'etc')!.mode, 0o700);
  assert.deepEqual(view, target);
  const gone = merged(base.filter((e) => !e.path.startsWith('usr/share')));
  assert.deepEqual(gone.layer.whiteouts, ['usr/share']);
  assert.deepEqual(gone.view, base.filter((e) => !e.path.startsWith('usr/share')));
});

test('an unchanged tree needs only the top directory', () => {
  const { layer, view } = merged([...base]);
  assert.deepEqual(paths(layer.entries), ['dir .']);
  assert.deepEqual(view, base);
});

test('overlayfs cannot show a 0:0 character device or trusted.overlay attributes', () => {
  assert.equal(overlayBlocker(serializeMeta(base)), null);
  const whiteoutLike: FsEntry = { ...meta, kind: 'chardev', path: 'dev/x' as RepoPath, major: 0, minor: 0 };
  const null13: FsEntry = { ...meta, kind: 'chardev', path: 'dev/null' as RepoPath, major: 1, minor: 3 };
  assert.equal(overlayBlocker(serializeMeta([...base, null13])), null);
  assert.match(overlayBlocker(serializeMeta([...base, whiteoutLike]))!, /^dev\/x is a 0:0 character device$/);
  const opaque: FsEntry = { ...dir('opt'), xattrs: [{ name: 'security.selinux', value: Buffer.from('x') }, { name: 'trusted.overlay.opaque', value: Buffer.from('y') }] };
  assert.match(overlayBlocker(serializeMeta([...base, opaque]))!, /^opt has a trusted\.overlay attribute$/);
});

test('diffMetaRecords names the paths whose line differs, both ways; selectMetaLines keeps a valid record', () => {
  const after = [...base.filter((e) => e.path !== 'etc/motd' && e.path !== 'usr/bin/a'), file('usr/bin/a', 'c'.repeat(40), 0o755), file('usr/bin/c')];
  const { changed, entries } = diffMetaRecords(serializeMeta(base), serializeMeta(after));
  assert.deepEqual([...changed].sort(), ['etc/motd', 'usr/bin/a', 'usr/bin/c']);
  assert.equal(entries, after.length);
  // Content alone (same size and metadata) is not in the meta record.
  assert.deepEqual(diffMetaRecords(serializeMeta(base), serializeMeta(base.map((e) => (e.path === 'etc/issue' ? file('etc/issue', 'd'.repeat(40)) : e)))).changed, []);
  const subset = parseMeta(selectMetaLines(serializeMeta(base), new Set(['.', 'usr', 'usr/bin', 'usr/bin/b'])));
  assert.deepEqual(paths(subset as FsEntry[]), ['dir .', 'dir usr', 'dir usr/bin', 'file usr/bin/b']);
});
