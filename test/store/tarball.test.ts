import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { writeTarball, type TarMemberSource } from '../../src/builder/pack/writeTarball.js';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import type { ErrorCode } from '../../src/errors/errorCodes.js';
import type { Xattr } from '../../src/model/snapshot/fsEntry.js';
import { encodeMemberHeaders } from '../../src/model/tar/encodeMemberHeaders.js';
import { TOP, type RepoPath } from '../../src/model/snapshot/repoPath.js';
import { encodeHeader, type TarHeader } from '../../src/model/tar/tarHeader.js';
import type { TarMember } from '../../src/model/tar/tarMember.js';
import { readTarball } from '../../src/store/tarball/readTarball.js';
import { scanDirectory } from '../../src/store/snapshot/scanDirectory.js';

const MTIME = 1700000000;
const CAPABILITY = Buffer.from('0100000200200000000000000000000000000000', 'hex'); // cap_net_raw+ep
const BINARY = Buffer.from([0, 1, 0, 0xff, 0x0a, 0x3d, 0]);

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'hacktree-tarball-'));
});
after(() => {
  rmSync(work, { recursive: true, force: true });
});

function scratch(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const p = (path: string): RepoPath => path as RepoPath;
const meta = (mode: number, uid = 0, gid = 0, xattrs: Xattr[] = []) => ({ mode, uid, gid, xattrs });

interface ReadBack {
  members: TarMember[];
  contents: Map<string, Buffer>;
}

async function readAll(file: string): Promise<ReadBack> {
  const members: TarMember[] = [];
  const contents = new Map<string, Buffer>();
  await readTarball(file, async (member, content) => {
    members.push(member);
    if (Buffer.isBuffer(content)) contents.set(member.path, Buffer.from(content));
    else if (content !== null) {
      const pieces: Buffer[] = [];
      for await (const chunk of content.chunks) pieces.push(Buffer.from(chunk));
      contents.set(member.path, Buffer.concat(pieces));
    }
  });
  return { members, contents };
}

function withoutSource(member: TarMemberSource): TarMember {
  const { source: _source, ...rest } = member;
  return rest as TarMember;
}

function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

async function assertRejects(promise: Promise<unknown>, code: ErrorCode, pattern: RegExp, file: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isHacktreeError(err, code), `expected ${code}, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    assert.match(err.message, pattern);
    assert.ok(err.message.includes(file), `the message names the file: ${err.message}`);
    return true;
  });
}

/** Every kind of member hacktree can carry, with the corner cases GNU tar must agree on. */
function everyKind(dir: string): { members: TarMemberSource[]; contents: Map<string, Buffer> } {
  const contents = new Map<string, Buffer>();
  const file = (path: string, content: Buffer, metaFields: ReturnType<typeof meta>): TarMemberSource => {
    const source = join(dir, `content-${contents.size}`);
    writeFileSync(source, content);
    contents.set(path, content);
    return { kind: 'file', path: p(path), ...metaFields, size: content.length, source };
  };
  const large = Buffer.alloc(3 * 1024 * 1024 + 7);
  for (let i = 0; i < large.length; i += 4096) large.writeUInt32BE(i, i);
  const long100 = `usr/${'l'.repeat(110)}`;
  const long255 = `usr/${`${'x'.repeat(60)}/`.repeat(4)}${'f'.repeat(50)}`;
  const members: TarMemberSource[] = [
    { kind: 'dir', path: TOP, ...meta(0o755) },
    { kind: 'dir', path: p('bin'), ...meta(0o755) },
    file('bin/ping', Buffer.from('#!/bin/sh\necho ping\n'), meta(0o4755, 0, 0, [
      { name: 'security.capability', value: CAPABILITY },
      { name: 'user.binary', value: BINARY },
    ])),
    { kind: 'hardlink', path: p('bin/ping-again'), target: p('bin/ping') },
    { kind: 'dir', path: p('dev'), ...meta(0o755) },
    { kind: 'chardev', path: p('dev/null'), ...meta(0o666), major: 1, minor: 3 },
    { kind: 'blockdev', path: p('dev/sda'), ...meta(0o660, 0, 6), major: 8, minor: 0 },
    { kind: 'dir', path: p('empty'), ...meta(0o700) },
    { kind: 'symlink', path: p('etc/localtime'), ...meta(0o777), target: '/usr/share/zoneinfo/UTC' },
    { kind: 'symlink', path: p('etc/relative'), ...meta(0o777), target: '../bin/ping' },
    file('home/big-ids', Buffer.from('big\n'), meta(0o640, 3_000_000, 4_000_000)),
    file('home/user/file', Buffer.from('mine\n'), meta(0o600, 1000, 5000)),
    { kind: 'fifo', path: p('run/fifo'), ...meta(0o620) },
    { kind: 'dir', path: p('tmp'), ...meta(0o1777) },
    { kind: 'dir', path: p('usr'), ...meta(0o2755, 0, 50, [{ name: 'user.dir', value: Buffer.from('d') }]) },
    file('usr/empty-file', Buffer.alloc(0), meta(0o644)),
    file('usr/large', large, meta(0o644)),
    file(long100, Buffer.from('long\n'), meta(0o644)),
    file(long255, Buffer.from('longer\n'), meta(0o644)),
    { kind: 'hardlink', path: p('usr/link-to-long'), target: p(long255) },
    { kind: 'symlink', path: p('usr/symlink-to-long'), ...meta(0o777), target: `/${long255}` },
    file('usr/share/naïve-日本語.txt', Buffer.from('unicode\n'), meta(0o644)),
    { kind: 'dir', path: p('usr/share/répertoire'), ...meta(0o755) },
  ];
  return { members, contents };
}

describe('writeTarball → readTarball', () => {
  it('round-trips every kind of member with its metadata and content', async () => {
    const dir = scratch('roundtrip');
    const { members, contents } = everyKind(dir);
    const out = join(dir, 'every.tar.gz');
    const written = await writeTarball(out, members, { mtime: MTIME });
    assert.equal(written.path, out);
    assert.equal(written.size, statSync(out).size);
    assert.equal(written.sha256, sha256Of(out));
    const back = await readAll(out);
    assert.deepEqual(back.members, members.map(withoutSource));
    assert.deepEqual([...back.contents.keys()].sort(), [...contents.keys()].sort());
    for (const [path, content] of contents) assert.ok(back.contents.get(path)!.equals(content), path);
    assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temporary file left');
  });

  it('is deterministic: the same members give the same bytes', async () => {
    const dir = scratch('determinism');
    const { members } = everyKind(dir);
    const first = await writeTarball(join(dir, 'a.tar.gz'), members, { mtime: MTIME });
    const second = await writeTarball(join(dir, 'b.tar.gz'), members, { mtime: MTIME });
    assert.equal(first.sha256, second.sha256);
    assert.ok(readFileSync(first.path).equals(readFileSync(second.path)));
    const other = await writeTarball(join(dir, 'c.tar.gz'), members, { mtime: MTIME + 1 });
    assert.notEqual(other.sha256, first.sha256, 'the mtime is in the bytes');
  });

  it('reads an uncompressed tar, and one without end-of-archive blocks', async () => {
    const dir = scratch('plain');
    const { members } = everyKind(dir);
    const gz = await writeTarball(join(dir, 'x.tar.gz'), members, { mtime: MTIME });
    const tar = gunzipSync(readFileSync(gz.path));
    writeFileSync(join(dir, 'x.tar'), tar);
    writeFileSync(join(dir, 'no-end.tar'), tar.subarray(0, tar.length - 1024));
    const expected = members.map(withoutSource);
    assert.deepEqual((await readAll(join(dir, 'x.tar'))).members, expected);
    assert.deepEqual((await readAll(join(dir, 'no-end.tar'))).members, expected);
  });

  it('waits for each onMember before reading on, and lets its errors through untouched', async () => {
    const dir = scratch('backpressure');
    const { members } = everyKind(dir);
    const { path } = await writeTarball(join(dir, 'x.tar.gz'), members, { mtime: MTIME });
    let busy = false;
    let seen = 0;
    await readTarball(path, async () => {
      assert.equal(busy, false, 'onMember calls never overlap');
      busy = true;
      await new Promise((resolve) => setTimeout(resolve, 1));
      busy = false;
      seen++;
    });
    assert.equal(seen, members.length);
    const mine = new Error('stop here');
    await assert.rejects(readTarball(path, () => { throw mine; }), (err) => err === mine);
  });

  it('leaves nothing behind when a source is missing or changed', async () => {
    const dir = scratch('writer-errors');
    const out = join(dir, 'x.tar.gz');
    const gone = { kind: 'file' as const, path: p('gone'), ...meta(0o644), size: 3, source: join(dir, 'nope') };
    await assertRejects(writeTarball(out, [gone], { mtime: 0 }), 'SOURCE_NOT_FOUND', /disappeared/, join(dir, 'nope'));
    writeFileSync(join(dir, 'short'), 'ab');
    const changed = { ...gone, source: join(dir, 'short') };
    await assertRejects(writeTarball(out, [changed], { mtime: 0 }), 'TAR_INVALID', /changed while being packed/, join(dir, 'short'));
    assert.deepEqual(readdirSync(dir), ['short']);
  });
});

describe('GNU tar interoperability', () => {
  it('lists our tarball with the right metadata and xattrs', async () => {
    const dir = scratch('gnu-list');
    const { members } = everyKind(dir);
    const { path } = await writeTarball(join(dir, 'x.tar.gz'), members, { mtime: MTIME });
    const listing = execFileSync('tar', ['--xattrs', '--xattrs-include=*', '-tvvf', path], { encoding: 'utf8' });
    const lines = listing.split('\n');
    const line = (name: string): string => {
      const found = lines.find((l) => l.endsWith(` ${name}`) || l.includes(` ${name} -> `) || l.includes(` ${name} link to `));
      assert.ok(found, `tar lists ${name}:\n${listing}`);
      return found;
    };
    assert.match(line('./'), /^drwxr-xr-x +0\/0 /);
    assert.match(line('bin/ping'), /^-rwsr-xr-x\* +0\/0 +20 /);
    assert.match(listing, /x: 20 security\.capability\n +x: 7 user\.binary/);
    assert.match(line('bin/ping-again'), /^h.* bin\/ping-again link to bin\/ping$/);
    assert.match(line('dev/null'), /^crw-rw-rw- +0\/0 +1,3 /);
    assert.match(line('dev/sda'), /^brw-rw---- +0\/6 +8,0 /);
    assert.match(line('etc/localtime'), /^lrwxrwxrwx +.* -> \/usr\/share\/zoneinfo\/UTC$/);
    assert.match(line('home/big-ids'), /^-rw-r----- +3000000\/4000000 /);
    assert.match(line('home/user/file'), /^-rw------- +1000\/5000 /);
    assert.match(line('run/fifo'), /^prw--w---- +/);
    assert.match(line('tmp/'), /^drwxrwxrwt +/);
    assert.match(line('usr/large'), / 3145735 2023-11-1[45] /);
    assert.ok(lines.some((l) => l.endsWith(`/${'f'.repeat(50)}`) && l.includes(`usr/${'x'.repeat(60)}/`)), 'the >255-byte path');
    line('usr/share/naïve-日本語.txt');
    line('usr/share/répertoire/');
    assert.doesNotMatch(listing, /PaxHeaders/);
  });

  it('extracts our tarball with binary xattrs and capabilities intact', async () => {
    const dir = scratch('gnu-extract');
    const { members } = everyKind(dir);
    const { path } = await writeTarball(join(dir, 'x.tar.gz'), members, { mtime: MTIME });
    const into = scratch('gnu-extract/tree');
    execFileSync('tar', ['--xattrs', '--xattrs-include=*', '--numeric-owner', '-xpf', path, '-C', into]);
    const scanned = new Map(scanDirectory(into).map((e) => [e.path, e]));
    for (const member of members) {
      if (member.kind === 'hardlink') {
        assert.equal(scanned.get(member.path)!.identity, scanned.get(member.target)!.identity, member.path);
        continue;
      }
      const { absPath: _a, identity: _i, nlink: _n, stamp: _s, ...entry } = scanned.get(member.path)!;
      assert.deepEqual(entry, withoutSource(member), member.path);
    }
  });

  it('reads a GNU tar --xattrs archive of a real directory', async () => {
    const tree = scratch('gnu-create/tree');
    mkdirSync(join(tree, 'bin'));
    writeFileSync(join(tree, 'bin/ping'), 'ping\n');
    chmodSync(join(tree, 'bin/ping'), 0o4755);
    execFileSync('setfattr', ['-n', 'user.binary', '-v', `0x${BINARY.toString('hex')}`, join(tree, 'bin/ping')]);
    execFileSync('setcap', ['cap_net_raw+ep', join(tree, 'bin/ping')]);
    linkSync(join(tree, 'bin/ping'), join(tree, 'bin/ping-again'));
    mkdirSync(join(tree, 'tmp'));
    chmodSync(join(tree, 'tmp'), 0o1777);
    mkdirSync(join(tree, 'empty'));
    mkdirSync(join(tree, 'home/user'), { recursive: true });
    writeFileSync(join(tree, 'home/user/file'), 'mine\n');
    chownSync(join(tree, 'home/user/file'), 1000, 5000);
    writeFileSync(join(tree, 'home/big-ids'), 'big\n');
    chownSync(join(tree, 'home/big-ids'), 3_000_000, 4_000_000);
    symlinkSync('/usr/share/zoneinfo/UTC', join(tree, 'localtime'));
    execFileSync('mkfifo', [join(tree, 'fifo')]);
    execFileSync('mknod', [join(tree, 'null'), 'c', '1', '3']);
    execFileSync('mknod', [join(tree, 'loop0'), 'b', '7', '0']);
    const deep = join(tree, ...Array.from({ length: 4 }, () => 'x'.repeat(60)));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'f'.repeat(50)), 'longer\n');
    writeFileSync(join(tree, 'naïve-日本語.txt'), 'unicode\n');
    writeFileSync(join(tree, 'empty-file'), '');
    const out = join(work, 'gnu-create', 'gnu.tar.gz');
    execFileSync('tar', ['--xattrs', '--xattrs-include=*', '--numeric-owner', '-cpzf', out, '-C', tree, '.']);
    await assertSameAsTree(out, tree, true);
  });

  it('reads GNU format (long-name headers, base-256 ids), uncompressed', async () => {
    const tree = scratch('gnu-format/tree');
    const deep = join(tree, ...Array.from({ length: 3 }, () => 'y'.repeat(90)));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'file'), 'deep\n');
    linkSync(join(deep, 'file'), join(tree, 'hard'));
    symlinkSync(join('/', deep, 'file'), join(tree, 'long-symlink'));
    writeFileSync(join(tree, 'big-ids'), 'big\n');
    chownSync(join(tree, 'big-ids'), 3_000_000, 4_000_000);
    const out = join(work, 'gnu-format', 'gnu.tar');
    execFileSync('tar', ['--format=gnu', '--numeric-owner', '-cpf', out, '-C', tree, '.']);
    assert.ok(readFileSync(out).includes('././@LongLink'), 'the archive really uses GNU long names');
    await assertSameAsTree(out, tree, false);
  });
});

/** What readTarball returns for a GNU tar archive equals what scanDirectory sees on disk. */
async function assertSameAsTree(tarball: string, tree: string, withXattrs: boolean): Promise<void> {
  const scanned = new Map(scanDirectory(tree).map((e) => [e.path as string, e]));
  const { members, contents } = await readAll(tarball);
  assert.equal(members.length, scanned.size);
  for (const member of members) {
    const onDisk = scanned.get(member.path);
    assert.ok(onDisk, `${member.path} exists in the tree`);
    if (member.kind === 'hardlink') {
      assert.equal(onDisk.identity, scanned.get(member.target)!.identity, member.path);
      continue;
    }
    const { absPath, identity: _i, nlink: _n, stamp: _s, ...entry } = onDisk;
    assert.deepEqual(member, withXattrs ? entry : { ...entry, xattrs: [] }, member.path);
    if (member.kind === 'file') assert.ok(contents.get(member.path)!.equals(readFileSync(absPath)), member.path);
  }
  if (withXattrs) {
    const ping = members.find((m) => m.path === 'bin/ping');
    assert.ok(ping && ping.kind === 'file');
    assert.deepEqual(ping.xattrs, [
      { name: 'security.capability', value: CAPABILITY },
      { name: 'user.binary', value: BINARY },
    ]);
  }
}

describe('readTarball on damaged or hostile input', () => {
  /** A gzipped tar of hand-made headers, for archives no honest writer produces. */
  function craft(name: string, headers: Partial<TarHeader>[]): string {
    const blocks = headers.map((h) => encodeHeader({
      name: 'x', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0, typeflag: '0', linkname: '',
      uname: '', gname: '', devmajor: 0, devminor: 0, ...h,
    }));
    const file = join(scratch('hostile'), name);
    writeFileSync(file, gzipSync(Buffer.concat([...blocks, Buffer.alloc(1024)])));
    return file;
  }

  async function validTar(name: string): Promise<Buffer> {
    const dir = scratch(`damaged-${name}`);
    const { members } = everyKind(dir);
    const { path } = await writeTarball(join(dir, 'x.tar.gz'), members, { mtime: MTIME });
    return readFileSync(path);
  }

  const ignore = (): void => {};

  it('rejects a file that is neither gzip nor tar', async () => {
    const file = join(scratch('not-tar'), 'notes.txt');
    writeFileSync(file, 'just some text\n'.repeat(100));
    await assertRejects(readTarball(file, ignore), 'TAR_INVALID', /neither gzip-compressed nor a tar archive/, file);
    const short = join(scratch('not-tar'), 'short.txt');
    writeFileSync(short, 'hi\n');
    await assertRejects(readTarball(short, ignore), 'TAR_INVALID', /neither gzip-compressed nor a tar archive/, short);
    const gzText = join(scratch('not-tar'), 'notes.gz');
    writeFileSync(gzText, gzipSync(Buffer.from('just some text\n'.repeat(100))));
    await assertRejects(readTarball(gzText, ignore), 'TAR_INVALID', /gzip-compressed but does not hold a tar/, gzText);
    const empty = join(scratch('not-tar'), 'empty.tar');
    writeFileSync(empty, '');
    await assertRejects(readTarball(empty, ignore), 'TAR_INVALID', /empty/, empty);
  });

  it('rejects a truncated gzip stream', async () => {
    const gz = await validTar('truncated-gzip');
    const file = join(scratch('truncated-gzip'), 'cut.tar.gz');
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length / 2)));
    await assertRejects(readTarball(file, ignore), 'TAR_INVALID', /gzip stream is truncated/, file);
  });

  it('rejects a corrupted gzip stream', async () => {
    const gz = Buffer.from(await validTar('corrupt-gzip'));
    for (let i = 100; i < 200; i++) gz[i] = gz[i]! ^ 0x5a;
    const file = join(scratch('corrupt-gzip'), 'bad.tar.gz');
    writeFileSync(file, gz);
    await assertRejects(readTarball(file, ignore), 'TAR_INVALID', /gzip stream is damaged|bad header checksum/, file);
  });

  it('rejects a tar cut in the middle of a member or of a header', async () => {
    const tar = gunzipSync(await validTar('truncated-tar'));
    const dir = scratch('truncated-tar');
    // bin/ping's content starts after ".", "bin/", its pax header (2 blocks) and its header.
    const midContent = join(dir, 'mid-content.tar');
    writeFileSync(midContent, tar.subarray(0, 512 * 5 + 10));
    await assertRejects(readTarball(midContent, ignore), 'TAR_INVALID', /member 3 "bin\/ping".*ends in the middle of the file/, midContent);
    const midHeader = join(dir, 'mid-header.tar.gz');
    writeFileSync(midHeader, gzipSync(tar.subarray(0, 512 + 100)));
    await assertRejects(readTarball(midHeader, ignore), 'TAR_INVALID', /member 2 .*ends in the middle of a header/, midHeader);
    const afterPax = join(dir, 'after-pax.tar');
    writeFileSync(afterPax, tar.subarray(0, 512 * 4));
    await assertRejects(readTarball(afterPax, ignore), 'TAR_INVALID', /ends after an extended header/, afterPax);
  });

  it('rejects a header with a bad checksum, naming the member', async () => {
    const tar = Buffer.from(gunzipSync(await validTar('checksum')));
    tar[512 + 1] = 0x21; // inside the second header's name
    const file = join(scratch('checksum'), 'bad-checksum.tar');
    writeFileSync(file, tar);
    await assertRejects(readTarball(file, ignore), 'TAR_INVALID', /member 2 \(header at byte 512\): bad header checksum/, file);
  });

  it('rejects ../ and absolute member paths and hardlink targets as UNSAFE_PATH', async () => {
    const cases: Array<[string, Partial<TarHeader>[]]> = [
      ['dotdot.tar.gz', [{ name: './', typeflag: '5' }, { name: '../evil' }]],
      ['absolute.tar.gz', [{ name: '/etc/passwd' }]],
      ['link-out.tar.gz', [{ name: 'x', typeflag: '1', linkname: '../../etc/shadow' }]],
      ['git.tar.gz', [{ name: 'a/.git/config' }]],
    ];
    for (const [name, headers] of cases) {
      const file = craft(name, headers);
      const seen: string[] = [];
      await assertRejects(readTarball(file, (m) => { seen.push(m.path); }), 'UNSAFE_PATH', /member \d/, file);
      assert.ok(!seen.some((s) => s.includes('..') || s.startsWith('/')), 'no unsafe member reaches onMember');
    }
  });

  it('rejects unsupported member types and sparse formats it does not know', async () => {
    const volume = craft('volume.tar.gz', [{ name: 'label', typeflag: 'V' }]);
    await assertRejects(readTarball(volume, ignore), 'TAR_INVALID', /member 1 "label".*unsupported member type "V"/, volume);
    const sparse = join(scratch('hostile'), 'sparse.tar');
    const pax = Buffer.from('22 GNU.sparse.major=1\n');
    const paxHeader = encodeHeader({
      name: 'PaxHeaders/s', mode: 0o644, uid: 0, gid: 0, size: pax.length, mtime: 0, typeflag: 'x', linkname: '',
      uname: '', gname: '', devmajor: 0, devminor: 0,
    });
    writeFileSync(sparse, Buffer.concat([paxHeader, pax, Buffer.alloc(512 - pax.length),
      encodeMemberHeaders({ kind: 'file', path: p('s'), ...meta(0o644), size: 0 }, 0), Buffer.alloc(1024)]));
    await assertRejects(readTarball(sparse, ignore), 'TAR_INVALID', /sparse format 1\.\?/, sparse);
  });

  it('rejects a header after a lone end-of-archive block', async () => {
    const file = join(scratch('hostile'), 'concatenated.tar');
    const one = encodeMemberHeaders({ kind: 'dir', path: TOP, ...meta(0o755) }, 0);
    writeFileSync(file, Buffer.concat([one, Buffer.alloc(512), one, Buffer.alloc(1024)]));
    await assertRejects(readTarball(file, ignore), 'TAR_INVALID', /lone end-of-archive block/, file);
  });
});

describe('archives other tar writers make', () => {
  /** A file of `size` bytes with data at `offsets` (8 bytes each, naming the offset) and holes elsewhere. */
  function sparseFile(path: string, size: number, offsets: number[]): Buffer {
    const content = Buffer.alloc(size);
    for (const offset of offsets) content.write(offset.toString(16).padStart(8, '0'), offset, 'latin1');
    execFileSync('truncate', ['-s', String(size), path]);
    for (const offset of offsets) {
      execFileSync('dd', [`of=${path}`, 'bs=1', `seek=${offset}`, 'conv=notrunc', 'status=none'], { input: content.subarray(offset, offset + 8) });
    }
    return content;
  }

  const SPARSE_WRITERS: Array<[string, string[]]> = [
    ['GNU S (old GNU format)', ['tar', '--format=gnu', '--sparse']],
    ['pax 0.0', ['tar', '--format=posix', '--sparse', '--sparse-version=0.0']],
    ['pax 0.1', ['tar', '--format=posix', '--sparse', '--sparse-version=0.1']],
    ['pax 1.0', ['tar', '--format=posix', '--sparse', '--sparse-version=1.0']],
    ['bsdtar', ['bsdtar']],
  ];

  it('reads sparse members in every format, holes as zeros, small and streamed', async () => {
    const tree = scratch('sparse/tree');
    // 30 segments: more than the 4 an old GNU header holds, so its extension blocks are read too.
    const many = sparseFile(join(tree, 'many'), 3 << 20, Array.from({ length: 30 }, (_, i) => (i + 1) * 65536 + i));
    const big = sparseFile(join(tree, 'big'), 20 << 20, [0, 9 << 20, (20 << 20) - 8]);
    const holes = sparseFile(join(tree, 'holes-only'), 1 << 20, []);
    for (const [name, command] of SPARSE_WRITERS) {
      const out = join(work, 'sparse', `${name.replace(/\W+/g, '-')}.tar`);
      execFileSync(command[0]!, [...command.slice(1), '-cf', out, '-C', tree, '.']);
      const { members, contents } = await readAll(out);
      assert.deepEqual(members.map((m) => `${m.kind} ${m.path}`).sort(), ['dir .', 'file big', 'file holes-only', 'file many'], name);
      for (const [path, content] of [['many', many], ['big', big], ['holes-only', holes]] as const) {
        const member = members.find((m) => m.path === path);
        assert.ok(member?.kind === 'file' && member.size === content.length, `${name}: ${path} has its real size`);
        assert.ok(contents.get(path)!.equals(content), `${name}: ${path} reads as the file`);
      }
    }
  });

  it('accepts times before 1970 (negative base-256, negative pax mtime)', async () => {
    const tree = scratch('old-times/tree');
    writeFileSync(join(tree, 'old'), 'old\n');
    symlinkSync('old', join(tree, 'old-link'));
    execFileSync('touch', ['-h', '-d', '1901-12-14', join(tree, 'old'), join(tree, 'old-link'), tree]);
    for (const format of [['tar', '--format=gnu'], ['tar', '--format=posix'], ['bsdtar', '--format=gnutar'], ['bsdtar', '--format=pax']]) {
      const out = join(work, 'old-times', `${format.join('')}.tar`);
      execFileSync(format[0]!, [...format.slice(1), '-cf', out, '-C', tree, '.']);
      const { members, contents } = await readAll(out);
      assert.deepEqual(members.map((m) => m.path).sort(), ['.', 'old', 'old-link'], format.join(' '));
      assert.equal(contents.get('old')!.toString(), 'old\n');
    }
  });

  it('reads old-style directories (a regular-file typeflag and a name ending in /) as directories', async () => {
    const blocks = [
      { name: 'olddir/', typeflag: '0', mode: 0o750 },
      { name: 'olddir/file', typeflag: '0', mode: 0o644 },
      { name: 'v7dir/', typeflag: '\0', mode: 0o700 },
    ].map((h) => encodeHeader({ uid: 0, gid: 0, size: 0, mtime: 0, linkname: '', uname: '', gname: '', devmajor: 0, devminor: 0, ...h }));
    const file = join(scratch('old-dirs'), 'old-dirs.tar');
    writeFileSync(file, Buffer.concat([...blocks, Buffer.alloc(1024)]));
    const { members } = await readAll(file);
    assert.deepEqual(members.map((m) => [m.kind, m.path, m.kind === 'hardlink' ? 0 : m.mode]), [
      ['dir', 'olddir', 0o750], ['file', 'olddir/file', 0o644], ['dir', 'v7dir', 0o700],
    ]);
  });
});
