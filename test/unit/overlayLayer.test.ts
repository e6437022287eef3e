import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyOverlayChanges } from '../../src/model/applyOverlayChanges.js';
import type { FsEntry } from '../../src/model/fsEntry.js';
import type { Oid } from '../../src/model/oid.js';
import { overlayBlocker, overlayLayerOf } from '../../src/model/overlayLayer.js';
import type { RepoPath } from '../../src/model/repoPath.js';

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
  assert.equal(overlayBlocker(base), null);
  const whiteoutLike: FsEntry = { ...meta, kind: 'chardev', path: 'dev/x' as RepoPath, major: 0, minor: 0 };
  assert.match(overlayBlocker([...base, whiteoutLike])!, /dev\/x is a 0:0 character device/);
  const opaque: FsEntry = { ...dir('opt'), xattrs: [{ name: 'trusted.overlay.opaque', value: Buffer.from('y') }] };
  assert.match(overlayBlocker([opaque])!, /opt has a trusted\.overlay attribute/);
});
