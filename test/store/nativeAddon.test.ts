import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { closeSync, linkSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { nativeAddon, nativeAddonPath, type NativeAddon } from '../../src/store/nativeAddon.js';
import { lstatEntry, readDirectoryEntries } from '../../src/store/readDirectoryEntries.js';
import { writeXattrs } from '../../src/store/readXattrs.js';

// The native addon is part of the build (`npm run build` runs native/build.sh): a build without
// it would still work through node:zlib and `sync -f`, only slower, so this is where its absence
// shows.
function addon(): NativeAddon {
  const loaded = nativeAddon();
  assert.ok(loaded, `the native addon did not load from ${nativeAddonPath()} (bash native/build.sh builds it)`);
  return loaded;
}

const samples: Record<string, Buffer> = {
  empty: Buffer.alloc(0),
  'one byte': Buffer.from('x'),
  text: Buffer.from('#!/bin/sh\nexec "$@"\n'.repeat(5000)),
  'random (incompressible)': randomBytes(3 << 20),
  zeros: Buffer.alloc(9 << 20),
};

for (const [name, data] of Object.entries(samples)) {
  test(`deflateZlib makes a zlib stream that inflates back to the data: ${name}`, () => {
    const deflated = addon().deflateZlib(data);
    assert.ok(deflated, 'made');
    assert.equal(deflated[0], 0x78, 'a zlib header (what git reads)');
    assert.ok(inflateSync(deflated).equals(data));
    if (name === 'zeros') assert.ok(deflated.length < data.length / 100, `compressed: ${deflated.length}`);
  });
}

test('deflateZlib takes any Uint8Array view, and refuses what is not one', () => {
  const backing = Buffer.from('....hello, view....');
  const view = new Uint8Array(backing.buffer, backing.byteOffset + 4, 11);
  assert.equal(inflateSync(addon().deflateZlib(view)!).toString(), 'hello, view');
  assert.throws(() => addon().deflateZlib('text' as unknown as Uint8Array), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => addon().deflateZlib(new Uint16Array(4) as unknown as Uint8Array), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('a deflate stream fed in uneven chunks makes one zlib stream of their concatenation', () => {
  const data = Buffer.concat([randomBytes(1 << 20), Buffer.alloc(2 << 20, 'a'), randomBytes(777)]);
  const native = addon();
  const stream = native.createDeflateStream();
  const out: Buffer[] = [];
  for (let at = 0, size = 1; at < data.length; at += size, size = size * 3 + 17) out.push(native.deflateStreamPush(stream, data.subarray(at, at + size), false));
  out.push(native.deflateStreamPush(stream, Buffer.alloc(0), true));
  assert.ok(inflateSync(Buffer.concat(out)).equals(data));
  assert.throws(() => native.deflateStreamPush(stream, Buffer.from('more'), false), { code: 'ERR_STREAM_WRITE_AFTER_END' });
});

test('syncFilesystem and syncFilesystemAsync flush a filesystem, and report a bad descriptor by its errno', async () => {
  const native = addon();
  const fd = openSync(tmpdir(), 'r');
  try {
    native.syncFilesystem(fd);
    await native.syncFilesystemAsync(fd);
  } finally {
    closeSync(fd);
  }
  assert.throws(() => native.syncFilesystem(fd), { code: 'EBADF' });
  await assert.rejects(native.syncFilesystemAsync(fd), { code: 'EBADF' });
  assert.throws(() => native.syncFilesystem(-1.5 as number), { code: 'EBADF' });
});

test('readDirectory gives what node:fs and @napi-rs/xattr give for every kind of entry, and fails like node:fs', () => {
  addon();
  const dir = mkdtempSync(join(tmpdir(), 'hacktree-readdir-'));
  try {
    writeFileSync(join(dir, 'plain'), 'x'.repeat(5000));
    writeFileSync(join(dir, 'tagged'), '');
    writeXattrs(join(dir, 'tagged'), [
      { name: 'user.zz', value: Buffer.from([0, 255, 128]) },
      { name: 'user.aa', value: Buffer.alloc(0) },
      { name: 'user.mm', value: Buffer.alloc(3000, 7) },
    ]);
    linkSync(join(dir, 'plain'), join(dir, 'hardlink'));
    symlinkSync('../some/where/ünïcode', join(dir, 'link'));
    symlinkSync('/'.repeat(1) + 'x'.repeat(3000), join(dir, 'long-link'));
    mkdirSync(join(dir, 'sub'));
    writeXattrs(join(dir, 'sub'), [{ name: 'user.dir', value: Buffer.from('d') }]);
    writeFileSync(join(dir, 'naïve name'), 'n');
    for (const [name, type, numbers] of [['fifo', 'p', []], ['null', 'c', ['1', '3']], ['loop9', 'b', ['7', '9']]] as const) {
      const made = spawnSync('mknod', [join(dir, name), type, ...numbers]);
      assert.equal(made.status, 0, String(made.stderr));
    }
    const native = readDirectoryEntries(dir).sort((a, b) => a.name.localeCompare(b.name));
    const plain = readdirSync(dir).map((name) => lstatEntry(join(dir, name), name)).sort((a, b) => a.name.localeCompare(b.name));
    assert.equal(native.length, 10);
    assert.deepEqual(native, plain);
    assert.deepEqual(native.find((e) => e.name === 'tagged')!.xattrs.map((x) => x.name), ['user.aa', 'user.mm', 'user.zz'], 'sorted by name');

    assert.throws(() => addon().readDirectory(join(dir, 'missing')), { code: 'ENOENT', syscall: 'scandir', path: join(dir, 'missing') });
    assert.throws(() => addon().readDirectory(join(dir, 'plain')), { code: 'ENOTDIR' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
