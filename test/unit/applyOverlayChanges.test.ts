import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyOverlayChanges } from '../../src/model/snapshot/applyOverlayChanges.js';
import { formatConfigMessage, parseConfigMessage } from '../../src/model/root/configCommitMessage.js';
import type { FsEntry } from '../../src/model/snapshot/fsEntry.js';
import type { Oid } from '../../src/model/git/oid.js';
import type { RepoPath } from '../../src/model/snapshot/repoPath.js';

const meta = { mode: 0o755, uid: 0, gid: 0, xattrs: [] };
const dir = (path: string, mode = 0o755): FsEntry => ({ ...meta, mode, kind: 'dir', path: path as RepoPath });
const file = (path: string, oid = 'a'.repeat(40), mode = 0o644): FsEntry => ({ ...meta, mode, kind: 'file', path: path as RepoPath, oid: oid as Oid, size: 1 });
const paths = (entries: FsEntry[]) => entries.map((e) => `${e.kind} ${e.path}`);

const lower = [dir('.'), dir('etc'), file('etc/issue'), file('etc/motd'), dir('usr'), dir('usr/share'), file('usr/share/a'), file('usr/share/b')];

test('upper entries replace or add; whiteouts remove a path and its subtree', () => {
  const out = applyOverlayChanges(lower, {
    upper: [dir('.'), dir('etc'), file('etc/issue', 'b'.repeat(40), 0o600), file('etc/hostname')],
    whiteouts: ['etc/motd', 'usr/share'] as RepoPath[],
    opaqueDirs: [],
  });
  assert.deepEqual(paths(out), ['dir .', 'dir etc', 'file etc/hostname', 'file etc/issue', 'dir usr']);
  assert.equal(out.find((e) => e.path === 'etc/issue')!.mode, 0o600);
});

test('an opaque directory hides the lower contents; a file over a lower directory hides its subtree', () => {
  const opaque = applyOverlayChanges(lower, { upper: [dir('.'), dir('usr'), dir('usr/share', 0o700), file('usr/share/c')], whiteouts: [], opaqueDirs: ['usr/share'] as RepoPath[] });
  assert.deepEqual(paths(opaque), ['dir .', 'dir etc', 'file etc/issue', 'file etc/motd', 'dir usr', 'dir usr/share', 'file usr/share/c']);
  const replaced = applyOverlayChanges(lower, { upper: [dir('.'), dir('usr'), file('usr/share')], whiteouts: [], opaqueDirs: [] });
  assert.deepEqual(paths(replaced), ['dir .', 'dir etc', 'file etc/issue', 'file etc/motd', 'dir usr', 'file usr/share']);
});

test('the config.d commit message names each script with its sha256 and round-trips', () => {
  const scripts = [{ name: '10-motd', sha256: '1'.repeat(64) }, { name: 'z last', sha256: '2'.repeat(64) }];
  const message = formatConfigMessage({ scripts, source: '/srv/config.d', summary: { added: 1, removed: 2, modified: 3, metadata: 4 } });
  assert.match(message, /^config\.d: 10-motd 111111111111, z last 222222222222\n/);
  assert.match(message, /^permission changes: 4$/m);
  assert.deepEqual(parseConfigMessage(message), { scripts, source: '/srv/config.d' });
  assert.equal(parseConfigMessage('Compose root-x\n'), null);
});
