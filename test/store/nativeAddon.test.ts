import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { closeSync, linkSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { NATIVE_ABI, nativeAddon, nativeAddonPath, nativeAddonStatus, type NativeAddon } from '../../src/platform/native/nativeAddon.js';
import { lstatEntry, readDirectoryEntries } from '../../src/platform/fs/readDirectoryEntries.js';
import { readXattrs, writeXattrs } from '../../src/platform/fs/readXattrs.js';
import { linkTreeNatively } from '../../src/store/checkout/linkTreeNatively.js';
import type { Repository } from '../../src/store/repository/repository.js';
import type { FsEntry } from '../../src/model/snapshot/fsEntry.js';
import type { RepoPath } from '../../src/model/snapshot/repoPath.js';
import { HacktreeError } from '../../src/errors/HacktreeError.js';

// The native addon is part of the build (`npm run build` runs native/build.sh): a build without
// it would still work through node:zlib and `sync -f`, only slower, so this is where its absence
// shows.
function addon(): NativeAddon {
  const loaded = nativeAddon();
  assert.ok(loaded, `the native addon did not load from ${nativeAddonPath()} (bash native/build.sh builds it)`);
  return loaded;
}

test('the addon loaded is of the interface version this code speaks, and says so', () => {
  assert.equal((addon() as unknown as { abiVersion: number }).abiVersion, NATIVE_ABI);
  assert.deepEqual(nativeAddonStatus(), { loaded: true, path: nativeAddonPath() });
});

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
    assert.equal(native.find((e) => e.name === 'hardlink')!.identity, native.find((e) => e.name === 'plain')!.identity, 'one inode');
    assert.deepEqual(readDirectoryEntries(join(dir, 'sub')), [], 'an empty directory');

    assert.throws(() => addon().readDirectory(join(dir, 'missing')), { code: 'ENOENT', syscall: 'scandir', path: join(dir, 'missing') });
    assert.throws(() => addon().readDirectory(join(dir, 'plain')), { code: 'ENOTDIR' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('linkTree makes directories level by level and links on several threads, checks each link, and reports each failure by record', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hacktree-linktree-'));
  try {
    const raw = join(dir, 'raw');
    const root = join(dir, 'root');
    mkdirSync(join(raw, 'ab'), { recursive: true });
    mkdirSync(root);
    // Named as raw entries are (<id>.<type><mode>.<uid>.<gid>): linkTree checks each link against its name.
    writeFileSync(join(raw, 'ab/one.f644.0.0'), 'one', { mode: 0o644 });
    symlinkSync('../target', join(raw, 'ab/link.l777.0.0'));
    writeFileSync(join(raw, 'ab/lost-setuid.f4755.0.0'), 'two', { mode: 0o755 });
    // A deep tree, wide enough that every thread gets work on some level.
    let records = '';
    const expected: string[] = [];
    for (let a = 0; a < 40; a++) {
      records += `Dd${a}\0`;
      expected.push(`d${a}/`);
      for (let b = 0; b < 5; b++) {
        records += `Dd${a}/e${b}\0Dd${a}/e${b}/f\0Ld${a}/e${b}/f/one\0ab/one.f644.0.0\x003\0Ld${a}/e${b}/link\0ab/link.l777.0.0\0../target\0`;
        expected.push(`d${a}/e${b}/`, `d${a}/e${b}/f/`, `d${a}/e${b}/f/one`, `d${a}/e${b}/link`);
      }
    }
    // Record numbers of the failures: a link whose raw entry is missing, a directory that
    // exists already, and a link into it (which then works: the directory is there); then links
    // whose raw entry is not what the record says (a mode, a size, a symlink target): removed.
    mkdirSync(join(root, 'there'));
    const missing = expected.length;
    records += 'Lmissing\0ab/nothing\x003\0Dthere\0Lthere/one\0ab/one.f644.0.0\x003\0';
    records += 'Llost-setuid\0ab/lost-setuid.f4755.0.0\x003\0Lother-size\0ab/one.f644.0.0\x004\0Lretargeted\0ab/link.l777.0.0\0/etc/shadow\0';
    const progress = new Int32Array(1);
    const failures = await addon().linkTree(raw, root, Buffer.from(records), 4, progress);
    assert.deepEqual(failures.sort((a, b) => a[0] - b[0]).map(([index, code]) => [index, code]), [
      [missing, 'ENOENT'],
      [missing + 1, 'EEXIST'],
      [missing + 3, 'RAW_MISMATCH'],
      [missing + 4, 'RAW_MISMATCH'],
      [missing + 5, 'RAW_MISMATCH'],
    ]);
    assert.match(failures[0]![2], /no such file/i);
    assert.equal(progress[0], expected.length + 6, 'every record counted');
    const made = spawnSync('find', ['.', '-mindepth', '1', '-printf', '%P%y\\n'], { cwd: root, encoding: 'utf8' }).stdout.trim().split('\n').sort();
    const wanted = [...expected.map((p) => (p.endsWith('/') ? `${p.slice(0, -1)}d` : p.endsWith('link') ? `${p}l` : `${p}f`)), 'thered', 'there/onef'].sort();
    assert.deepEqual(made, wanted);
    assert.equal(statSync(join(raw, 'ab/one.f644.0.0')).nlink, 1 + 200 + 1, 'hardlinks of the one raw file (none left by a failed check)');

    await assert.rejects(addon().linkTree(join(dir, 'no-raw'), root, Buffer.from('Dx\0'), 2, progress), { code: 'ENOENT' });
    await assert.rejects(addon().linkTree(raw, root, Buffer.from('Xbad\0'), 2, progress), { code: 'EINVAL' });
    await assert.rejects(addon().linkTree(raw, root, Buffer.from('Lonly-one-path\0'), 2, progress), { code: 'EINVAL' });
    await assert.rejects(addon().linkTree(raw, root, Buffer.from('Lno-extra\0ab/one.f644.0.0\0'), 2, progress), { code: 'EINVAL' });
    assert.throws(() => addon().linkTree(raw, root, Buffer.from(''), 2, new Int32Array(0)), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.deepEqual(await addon().linkTree(raw, root, Buffer.alloc(0), 2, progress), [], 'no records: nothing to do');

    // Paths that would leave root (or, for RAW, the raw cache) or that Linux cannot hold: the
    // whole call is refused before anything is made, naming the record.
    const fresh = join(dir, 'fresh');
    mkdirSync(fresh);
    const refused: Array<[string, string, RegExp]> = [
      ['Dok\0D/etc/evil\0', 'UNSAFE_PATH', /absolute/],
      ['Dok\0Dok/../../evil\0', 'UNSAFE_PATH', /"\.\."/],
      ['Dok\0Dok//x\0', 'UNSAFE_PATH', /empty component/],
      ['Dok\0Dok/./x\0', 'UNSAFE_PATH', /"\."/],
      ['Dok\0Dok/\0', 'UNSAFE_PATH', /empty component/],
      ['Dok\0Lok/x\0../../etc/passwd\x003\0', 'UNSAFE_PATH', /"\.\."/],
      ['Dok\0Lok/x\0/etc/passwd\x003\0', 'UNSAFE_PATH', /absolute/],
      [`Dok\0D${'n'.repeat(256)}\0`, 'NAME_TOO_LONG', /255 bytes/],
      [`Dok\0D${Array.from({ length: 14 }, () => 'n'.repeat(250)).join('/')}\0`, 'NAME_TOO_LONG', /3072 bytes/],
    ];
    for (const [ops, code, why] of refused) {
      await assert.rejects(addon().linkTree(raw, fresh, Buffer.from(ops), 2, progress), (err: { code: string; record: number; message: string }) => {
        assert.equal(err.code, code, ops);
        assert.equal(err.record, 1, ops);
        assert.match(err.message, why);
        return true;
      });
    }
    assert.deepEqual(readdirSync(fresh), [], 'nothing made by a refused call');
    const longest = `${'n'.repeat(255)}`;
    assert.deepEqual(await addon().linkTree(raw, fresh, Buffer.from(`D${longest}\0D${longest}/..x\0`), 2, progress), [], 'a 255-byte name and a name starting with ".." are fine');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a checkout whose entry would leave its root is refused as UNSAFE_PATH before anything is made, as parseRepoPath refuses that path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hacktree-linktree-refused-'));
  try {
    const root = join(dir, 'root');
    mkdirSync(root);
    const repo = { rawDir: join(dir, 'raw') } as Repository;
    const meta = { mode: 0o755, uid: 0, gid: 0, xattrs: [] };
    for (const [path, code, words] of [['../escaped', 'UNSAFE_PATH', /climbs out of the tree/], ['/etc/evil', 'UNSAFE_PATH', /is absolute/], [`${'n'.repeat(256)}`, 'NAME_TOO_LONG', /255/]] as const) {
      const entries: FsEntry[] = [
        { kind: 'dir', path: '.' as RepoPath, ...meta },
        { kind: 'dir', path: 'fine' as RepoPath, ...meta },
        { kind: 'dir', path: path as RepoPath, ...meta },
      ];
      await assert.rejects(linkTreeNatively(addon(), repo, entries, root), (err: unknown) => {
        assert.ok(err instanceof HacktreeError, String(err));
        assert.equal(err.code, code);
        assert.match(err.message, words);
        assert.equal(err.data.path, path);
        return true;
      });
    }
    assert.deepEqual(readdirSync(root), [], 'nothing made');
    assert.deepEqual(readdirSync(dir).sort(), ['raw', 'root'], 'nothing made beside the root');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('deflateZlibInto writes the same zlib stream at an offset of a buffer, and says -1 when it does not fit', () => {
  for (const data of Object.values(samples)) {
    const out = Buffer.alloc(data.length + (data.length >> 3) + 1024 + 100, 0xee);
    const written = addon().deflateZlibInto(data, out, 100);
    assert.ok(written > 0, 'written');
    assert.ok(out.subarray(0, 100).equals(Buffer.alloc(100, 0xee)), 'nothing before the offset touched');
    assert.ok(inflateSync(out.subarray(100, 100 + written)).equals(data));
  }
  const text = samples.text!;
  assert.equal(addon().deflateZlibInto(text, Buffer.alloc(64), 0), -1, 'too small');
  assert.equal(addon().deflateZlibInto(text, Buffer.alloc(100_000), 100_000), -1, 'no room at the end');
  assert.throws(() => addon().deflateZlibInto(text, Buffer.alloc(10), 11), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => addon().deflateZlibInto(text, 'not a buffer' as unknown as Uint8Array, 0), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('makeNode makes character and block devices and fifos with their numbers, and fails by errno', () => {
  const native = addon();
  const dir = mkdtempSync(join(tmpdir(), 'hacktree-mknod-'));
  try {
    native.makeNode(join(dir, 'null'), 'c', 1, 3);
    native.makeNode(join(dir, 'loop7'), 'b', 7, 7);
    native.makeNode(join(dir, 'big'), 'c', 4095, 1048575); // the largest numbers Linux's dev_t holds
    native.makeNode(join(dir, 'pipe'), 'p', 0, 0);
    const made = (name: string) => {
      const st = statSync(join(dir, name));
      return { char: st.isCharacterDevice(), block: st.isBlockDevice(), fifo: st.isFIFO(), perm: st.mode & 0o7777, rdev: st.rdev };
    };
    // rdev as the kernel encodes it: (major & 0xfff) << 8 | (minor & 0xff) | (minor & ~0xff) << 12
    assert.deepEqual(made('null'), { char: true, block: false, fifo: false, perm: 0o600, rdev: (1 << 8) | 3 });
    assert.deepEqual(made('loop7'), { char: false, block: true, fifo: false, perm: 0o600, rdev: (7 << 8) | 7 });
    assert.equal(made('big').rdev, 0xffffffff);
    assert.deepEqual(made('pipe'), { char: false, block: false, fifo: true, perm: 0o600, rdev: 0 });
    assert.throws(() => native.makeNode(join(dir, 'null'), 'c', 1, 3), { code: 'EEXIST' });
    assert.throws(() => native.makeNode(join(dir, 'missing', 'x'), 'p', 0, 0), { code: 'ENOENT' });
    assert.throws(() => native.makeNode(join(dir, 'socket'), 's' as 'c', 0, 0), { code: 'ERR_INVALID_ARG_VALUE' });
    assert.throws(() => native.makeNode(join(dir, 'x'), 'c', 4096, 0), { code: 'EINVAL' }, 'beyond the kernel\'s 12-bit major');
    assert.throws(() => native.makeNode(join(dir, 'x'), 'c', -1, 0), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.equal(readdirSync(dir).sort().join(' '), 'big loop7 null pipe', 'nothing made by the failed calls');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readFileInto reads a file into a buffer at an offset, says how much a shorter one held, that a longer one holds more, that a directory or fifo is no file, and fails like node:fs', () => {
  const native = addon();
  const dir = mkdtempSync(join(tmpdir(), 'hacktree-read-into-'));
  try {
    const data = randomBytes(300_001);
    writeFileSync(join(dir, 'f'), data);
    const buffer = Buffer.alloc(300_010, 0xee);
    assert.equal(native.readFileInto(join(dir, 'f'), buffer, 7, data.length), data.length);
    assert.ok(buffer.subarray(7, 7 + data.length).equals(data));
    assert.deepEqual([buffer[6], buffer[7 + data.length]], [0xee, 0xee], 'nothing written outside the range');
    buffer.fill(0xee);
    assert.equal(native.readFileInto(join(dir, 'f'), buffer, 0, 10), 11, 'a file longer than asked: size + 1');
    assert.ok(buffer.subarray(0, 10).equals(data.subarray(0, 10)), 'its first bytes read');
    assert.equal(buffer[10], 0xee, 'nothing written past the size');
    writeFileSync(join(dir, 'short'), 'abc');
    assert.equal(native.readFileInto(join(dir, 'short'), buffer, 0, 100), 3, 'a file shorter than asked');
    assert.throws(() => native.readFileInto(join(dir, 'missing'), buffer, 0, 1), { code: 'ENOENT', syscall: 'open', path: join(dir, 'missing') });
    assert.equal(native.readFileInto(dir, buffer, 0, 1), -1, 'a directory');
    assert.equal(spawnSync('mkfifo', [join(dir, 'fifo')]).status, 0);
    assert.equal(native.readFileInto(join(dir, 'fifo'), buffer, 0, 1), -1, 'a fifo, not waited on');
    assert.throws(() => native.readFileInto(join(dir, 'f'), buffer, 10, buffer.length), { code: 'ERR_INVALID_ARG_TYPE' }, 'past the buffer');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeRawFile puts a file in place with owner, mode and xattrs, makes its fan-out directory, leaves what is there, and cleans up a failure', () => {
  const native = addon();
  const dir = mkdtempSync(join(tmpdir(), 'hacktree-raw-write-'));
  const raw = join(dir, 'raw');
  mkdirSync(raw);
  try {
    const data = randomBytes(70_000);
    const xattrs = [['user.hacktree', Buffer.from('one')], ['trusted.hacktree', Buffer.from([0, 1, 2])]] as const;
    // setuid with another owner: the mode must survive the chown that comes first.
    assert.equal(native.writeRawFile(raw, 'ab/cdef.f4755.1000.100', 'ab/tmp_obj_1', data, 1000, 100, 0o4755, xattrs), true);
    const path = join(raw, 'ab/cdef.f4755.1000.100');
    const st = statSync(path);
    assert.deepEqual([st.mode & 0o7777, st.uid, st.gid, st.nlink], [0o4755, 1000, 100, 1]);
    assert.ok(readFileSync(path).equals(data));
    assert.deepEqual(readXattrs(path).map((x) => [x.name, x.value.toString('hex')]), [['trusted.hacktree', '000102'], ['user.hacktree', '6f6e65']]);
    assert.deepEqual(readdirSync(join(raw, 'ab')), ['cdef.f4755.1000.100'], 'no temporary file left');

    assert.equal(native.writeRawFile(raw, 'ab/cdef.f4755.1000.100', 'ab/tmp_obj_2', Buffer.from('other'), 0, 0, 0o644, []), false, 'there already');
    assert.ok(readFileSync(path).equals(data), 'left as it was');

    assert.throws(
      () => native.writeRawFile(raw, 'cd/ef.f644.0.0', 'cd/tmp_obj_3', data, 0, 0, 0o644, [['bogus.namespace', Buffer.from('x')]]),
      { code: 'EOPNOTSUPP', syscall: 'setxattr', path: join(raw, 'cd/ef.f644.0.0') },
    );
    assert.deepEqual(readdirSync(join(raw, 'cd')), [], 'the failed file and its temporary name are gone');
    assert.throws(() => native.writeRawFile(join(raw, 'missing'), 'ab/x', 'ab/tmp', data, 0, 0, 0o644, []), { code: 'ENOENT', syscall: 'open', path: join(raw, 'missing') });
    // Any number of xattrs, as node:fs's path writes them (the addon once refused more than 64).
    const many = Array.from({ length: 100 }, (_, i) => [`user.x${String(i).padStart(3, '0')}`, Buffer.from(`v${i}`)] as const);
    assert.equal(native.writeRawFile(raw, 'ef/many.f644.0.0', 'ef/tmp_obj_4', data, 0, 0, 0o644, many), true);
    assert.deepEqual(readXattrs(join(raw, 'ef/many.f644.0.0')).map((x) => [x.name, x.value.toString()]), many.map(([name, value]) => [name, value.toString()]));
    assert.throws(() => native.writeRawFile(raw, 'ab/x', 'cd/tmp', data, 0, 0, 0o644, []), { code: 'ERR_INVALID_ARG_VALUE' }, 'names in two directories');
    for (const [name, tmp] of [['ab/../../escaped', 'ab/tmp'], ['../x', '../tmp'], ['ab/..', 'ab/tmp'], ['/etc/x', '/etc/tmp'], ['ab/x', 'ab/'], ['./x', './tmp']]) {
      assert.throws(() => native.writeRawFile(raw, name!, tmp!, data, 0, 0, 0o644, []), { code: 'ERR_INVALID_ARG_VALUE' }, `${name} ${tmp}: outside the raw cache`);
    }
    assert.deepEqual(readdirSync(dir), ['raw'], 'nothing written outside it');
    assert.throws(() => native.writeRawFile(raw, 'ab/x', 'ab/tmp', data, 0, 0, 0o644, [['user.x', 'text' as unknown as Uint8Array]]), { code: 'ERR_INVALID_ARG_TYPE' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('prefetchFiles brings a file that is out of the page cache back in, and passes over what it cannot open', async () => {
  const native = addon();
  // /var/tmp, not the temp dir: a tmpfs there would keep the file's pages whatever is asked.
  const dir = mkdtempSync('/var/tmp/hacktree-prefetch-');
  try {
    const file = join(dir, 'cold');
    writeFileSync(file, randomBytes(4 << 20));
    // Written back, then dropped from the page cache (POSIX_FADV_DONTNEED, through python).
    const evicted = spawnSync('python3', ['-c', 'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)', file], { encoding: 'utf8' });
    assert.equal(evicted.status, 0, evicted.stderr);
    const residentPages = () => Number(spawnSync('fincore', ['--bytes', '--noheadings', '--output', 'PAGES', file], { encoding: 'utf8' }).stdout.trim());
    assert.equal(residentPages(), 0, 'out of the cache before');

    native.prefetchFiles([join(dir, 'missing'), dir, file]);
    let pages = 0;
    for (let waited = 0; waited < 5000 && pages < 1024; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      pages = residentPages();
    }
    assert.equal(pages, 1024, 'all 4 MiB read in, without anything reading the file');
    assert.throws(() => native.prefetchFiles('x' as unknown as string[]), { code: 'ERR_INVALID_ARG_TYPE' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
