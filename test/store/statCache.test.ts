import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Oid } from '../../src/model/git/oid.js';
import { initRepository } from '../../src/store/repository/initRepository.js';
import type { Repository } from '../../src/store/repository/repository.js';
import { snapshotDirectory } from '../../src/store/snapshot/snapshotDirectory.js';
import { sameStatCache, type StatCache } from '../../src/store/snapshot/statCache.js';
import { makeTempDir } from '../helpers/cli.js';

// The stat cache spares unchanged files a second read; it is written again only when a row changed.
let dir: string;
let repo: Repository;
const src = () => join(dir, 'src');

before(async () => {
  dir = makeTempDir('hacktree-statcache');
  repo = await initRepository(join(dir, 'repo'));
  mkdirSync(join(src(), 'etc'), { recursive: true });
  writeFileSync(join(src(), 'etc/motd'), 'hello\n');
  writeFileSync(join(src(), 'etc/issue'), 'Debian\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The stat cache file of src/: its inode and mtime, or null before the first snapshot. */
function cacheFile(): { ino: number; mtimeMs: number } | null {
  const names = readdirSync(repo.statCacheDir).filter((name) => /^[0-9a-f]{40}$/.test(name));
  assert.ok(names.length <= 1, `one source directory, one cache: ${names.join(' ')}`);
  if (names.length === 0) return null;
  const st = statSync(join(repo.statCacheDir, names[0]!));
  return { ino: st.ino, mtimeMs: st.mtimeMs };
}
const blobOf = (entries: Awaited<ReturnType<typeof snapshotDirectory>>, path: string) =>
  (entries.find((e) => e.path === path) as { oid: Oid } | undefined)?.oid;

test('an unchanged tree leaves its stat cache as it was; a changed file gets its new blob and a new cache', async () => {
  const first = await snapshotDirectory(repo, src());
  const written = cacheFile();
  assert.ok(written, 'the first snapshot writes the cache');

  const second = await snapshotDirectory(repo, src());
  assert.deepEqual(second, first);
  assert.deepEqual(cacheFile(), written, 'not written again (same file, same mtime)');

  // Same size, mtime put back: only the ctime tells (chmod, chown and writes all move it).
  const before = statSync(join(src(), 'etc/motd'));
  writeFileSync(join(src(), 'etc/motd'), 'HELLO\n');
  utimesSync(join(src(), 'etc/motd'), before.atime, before.mtime);
  const third = await snapshotDirectory(repo, src());
  assert.notEqual(blobOf(third, 'etc/motd'), blobOf(first, 'etc/motd'));
  assert.equal(blobOf(third, 'etc/issue'), blobOf(first, 'etc/issue'));
  assert.notDeepEqual(cacheFile(), written, 'the cache was written again');
});

test('sameStatCache compares every row: paths, keys and blob ids', () => {
  const oid = (c: string) => c.repeat(40) as Oid;
  const a: StatCache = new Map([['etc/motd', { key: '1:2:6:3:4', oid: oid('a') }]]);
  assert.ok(sameStatCache(a, new Map(a)));
  assert.ok(!sameStatCache(a, new Map()), 'a row fewer');
  assert.ok(!sameStatCache(a, new Map([['etc/issue', { key: '1:2:6:3:4', oid: oid('a') }]])), 'another path');
  assert.ok(!sameStatCache(a, new Map([['etc/motd', { key: '1:2:6:3:5', oid: oid('a') }]])), 'another key');
  assert.ok(!sameStatCache(a, new Map([['etc/motd', { key: '1:2:6:3:4', oid: oid('b') }]])), 'another blob');
});
