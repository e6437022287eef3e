import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packArtifact, type PackArtifactOptions, type PackedArtifact } from '../../src/builder/pack/packArtifact.js';
import { readTarball } from '../../src/store/tarball/readTarball.js';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import type { TarMember } from '../../src/model/tar/tarMember.js';

const CAPABILITY = '0sAQAAAgAgAAAAAAAAAAAAAAAAAAA='; // cap_net_raw+p, as setcap writes it

type Step = (root: string) => void;

function file(path: string, content: string, mode: number, more: { owner?: [number, number]; xattr?: [string, string] } = {}): Step {
  return (root) => {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    // In this order: chown clears setuid bits and security.capability.
    chownSync(abs, ...(more.owner ?? [0, 0]));
    chmodSync(abs, mode);
    if (more.xattr) run('setfattr', '-n', more.xattr[0], '-v', more.xattr[1], abs);
  };
}
function symlink(path: string, target: string): Step {
  return (root) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    symlinkSync(target, join(root, path));
  };
}
function run(command: string, ...args: string[]): void {
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** The DESTDIR's content as independent steps, so a copy can be made in another order. */
const STEPS: Step[] = [
  file('usr/bin/prog', '#!/bin/sh\necho prog\n', 0o755, { xattr: ['user.hacktree.test', 'hello'] }),
  file('usr/bin/su-like', 'setuid program\n', 0o4755, { owner: [0, 5000] }),
  file('usr/bin/ping-like', 'capable program\n', 0o755, { xattr: ['security.capability', CAPABILITY] }),
  file('usr/bin/foo-config', '#!/bin/sh\necho -lfoo\n', 0o755),
  file('usr/lib/libfoo.so.1.2.3', 'ELF libfoo\n', 0o755),
  symlink('usr/lib/libfoo.so.1', 'libfoo.so.1.2.3'),
  symlink('usr/lib/libfoo.so', 'libfoo.so.1'),
  file('usr/lib/libfoo.a', '!<arch>\n', 0o644),
  file('usr/lib/libfoo.la', 'libtool archive\n', 0o644),
  file('usr/include/foo.h', '#define FOO 1\n', 0o644),
  file('usr/lib/pkgconfig/foo.pc', 'Name: foo\n', 0o644),
  file('usr/share/aclocal/foo.m4', 'AC_DEFUN([FOO])\n', 0o644),
  (root) => mkdirSync(join(root, 'var/empty'), { recursive: true }),
  // Same split: the path that sorts later (prog-twin) becomes a hardlink to prog-alias.
  (root) => {
    file('usr/bin/prog-twin', 'twin program\n', 0o755)(root);
    linkSync(join(root, 'usr/bin/prog-twin'), join(root, 'usr/bin/prog-alias'));
  },
  // Across splits: libbar.so (devel) and libbar.so.2 (runtime) share an inode.
  (root) => {
    file('usr/lib/libbar.so.2', 'ELF libbar\n', 0o755)(root);
    linkSync(join(root, 'usr/lib/libbar.so.2'), join(root, 'usr/lib/libbar.so'));
  },
  (root) => {
    mkdirSync(join(root, 'run'), { recursive: true });
    run('mkfifo', '-m', '0620', join(root, 'run/fifo'));
  },
  (root) => {
    mkdirSync(join(root, 'dev'), { recursive: true });
    run('mknod', '-m', '0666', join(root, 'dev/null-like'), 'c', '1', '3');
  },
];

const RUNTIME_PATHS = [
  '.', 'dev', 'dev/null-like', 'run', 'run/fifo', 'usr', 'usr/bin', 'usr/bin/ping-like', 'usr/bin/prog',
  'usr/bin/prog-alias', 'usr/bin/prog-twin', 'usr/bin/su-like', 'usr/lib', 'usr/lib/libbar.so.2',
  'usr/lib/libfoo.so.1', 'usr/lib/libfoo.so.1.2.3', 'var', 'var/empty',
];
const DEVEL_PATHS = [
  '.', 'usr', 'usr/bin', 'usr/bin/foo-config', 'usr/include', 'usr/include/foo.h', 'usr/lib', 'usr/lib/libbar.so',
  'usr/lib/libfoo.a', 'usr/lib/libfoo.la', 'usr/lib/libfoo.so', 'usr/lib/pkgconfig', 'usr/lib/pkgconfig/foo.pc',
  'usr/share', 'usr/share/aclocal', 'usr/share/aclocal/foo.m4',
];

async function readBack(path: string): Promise<Map<string, { member: TarMember; content: Buffer | null }>> {
  const members = new Map<string, { member: TarMember; content: Buffer | null }>();
  await readTarball(path, (member, content) => {
    assert.ok(content === null || Buffer.isBuffer(content), 'packed test files are small enough to come whole');
    members.set(member.path, { member, content });
  });
  return members;
}

describe('packArtifact', () => {
  let work: string;
  let options: PackArtifactOptions;
  let first: { runtime: PackedArtifact; devel: PackedArtifact };

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'hacktree-pack-'));
    for (const step of STEPS) step(join(work, 'dest'));
    options = {
      destdir: join(work, 'dest'), name: 'foo', version: '1.2.3-4-gabcdef0', root: '3.2-opt-x86_64',
      flavor: 'opt', outDir: join(work, 'out1'), mtime: 1700000000,
    };
    first = await packArtifact(options);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('names both tarballs with sorted keys and writes them into outDir', () => {
    assert.equal(first.runtime.fileName, 'foo-runtime,b=opt,o=master,r=3.2-opt-x86_64,v=1.2.3-4-gabcdef0,.tar.gz');
    assert.equal(first.devel.fileName, 'foo-devel,b=opt,o=master,r=3.2-opt-x86_64,v=1.2.3-4-gabcdef0,.tar.gz');
    assert.equal(first.runtime.path, join(work, 'out1', first.runtime.fileName));
    assert.match(first.runtime.sha256, /^[0-9a-f]{64}$/);
    assert.equal(first.runtime.entries, RUNTIME_PATHS.length);
    assert.equal(first.devel.entries, DEVEL_PATHS.length);
  });

  it('splits paths, sorted, with "." and every ancestor directory in both', async () => {
    const runtime = await readBack(first.runtime.path);
    const devel = await readBack(first.devel.path);
    assert.deepEqual([...runtime.keys()], RUNTIME_PATHS);
    assert.deepEqual([...devel.keys()], DEVEL_PATHS);
  });

  it('keeps owner, group, full mode, xattrs, symlinks, devices, fifos and empty directories', async () => {
    const runtime = await readBack(first.runtime.path);
    const su = runtime.get('usr/bin/su-like')!.member;
    assert.ok(su.kind === 'file');
    assert.deepEqual([su.mode, su.uid, su.gid], [0o4755, 0, 5000]);
    const prog = runtime.get('usr/bin/prog')!;
    assert.ok(prog.member.kind === 'file');
    assert.deepEqual(prog.member.xattrs, [{ name: 'user.hacktree.test', value: Buffer.from('hello') }]);
    assert.equal(prog.content?.toString(), '#!/bin/sh\necho prog\n');
    const ping = runtime.get('usr/bin/ping-like')!.member;
    assert.ok(ping.kind === 'file');
    assert.deepEqual(ping.xattrs.map((x) => x.name), ['security.capability']);
    assert.deepEqual(ping.xattrs[0]!.value, Buffer.from(CAPABILITY.slice(2), 'base64'));
    const link = runtime.get('usr/lib/libfoo.so.1')!.member;
    assert.ok(link.kind === 'symlink');
    assert.equal(link.target, 'libfoo.so.1.2.3');
    const device = runtime.get('dev/null-like')!.member;
    assert.ok(device.kind === 'chardev');
    assert.deepEqual([device.major, device.minor, device.mode], [1, 3, 0o666]);
    const fifo = runtime.get('run/fifo')!.member;
    assert.ok(fifo.kind === 'fifo');
    assert.equal(fifo.mode, 0o620);
    assert.equal(runtime.get('var/empty')!.member.kind, 'dir');
  });

  it('writes later paths of an inode as hardlinks, within each tarball on its own', async () => {
    const runtime = await readBack(first.runtime.path);
    const devel = await readBack(first.devel.path);
    assert.deepEqual(runtime.get('usr/bin/prog-twin')!.member, { kind: 'hardlink', path: 'usr/bin/prog-twin', target: 'usr/bin/prog-alias' });
    assert.equal(runtime.get('usr/bin/prog-alias')!.member.kind, 'file');
    assert.equal(runtime.get('usr/bin/prog-alias')!.content?.toString(), 'twin program\n');
    // libbar.so sorts first but lives in -devel, so -runtime carries libbar.so.2 as the file.
    assert.equal(runtime.get('usr/lib/libbar.so.2')!.member.kind, 'file');
    assert.equal(runtime.get('usr/lib/libbar.so.2')!.content?.toString(), 'ELF libbar\n');
    assert.equal(devel.get('usr/lib/libbar.so')!.member.kind, 'file');
  });

  it('gives byte-identical tarballs for a copy made in another order with other mtimes', async () => {
    const copy = join(work, 'copy');
    for (const step of [...STEPS].reverse()) step(copy);
    execFileSync('find', [copy, '-exec', 'touch', '-h', '-d', '1999-09-09 09:09:09', '{}', '+']);
    const second = await packArtifact({ ...options, destdir: copy, outDir: join(work, 'out2') });
    assert.equal(second.runtime.sha256, first.runtime.sha256);
    assert.equal(second.devel.sha256, first.devel.sha256);
    assert.deepEqual(readFileSync(second.runtime.path), readFileSync(first.runtime.path));
    assert.deepEqual(readFileSync(second.devel.path), readFileSync(first.devel.path));
  });

  it('takes mtime from SOURCE_DATE_EPOCH when not given, and records a=ARCH and origin', async () => {
    const saved = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = '1700000000';
    try {
      const fromEnv = await packArtifact({ ...options, mtime: undefined, outDir: join(work, 'out3') });
      assert.equal(fromEnv.runtime.sha256, first.runtime.sha256);
      const other = await packArtifact({ ...options, mtime: 0, outDir: join(work, 'out4'), arch: 'x86_64', origin: 'local' });
      assert.notEqual(other.runtime.sha256, first.runtime.sha256);
      assert.equal(other.devel.fileName, 'foo-devel,a=x86_64,b=opt,o=local,r=3.2-opt-x86_64,v=1.2.3-4-gabcdef0,.tar.gz');
    } finally {
      if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = saved;
    }
  });

  it('writes both tarballs even when one split holds only directories', async () => {
    const bare = join(work, 'bare');
    file('usr/bin/tool', 'tool\n', 0o755)(bare);
    const packed = await packArtifact({ ...options, destdir: bare, outDir: join(work, 'out5') });
    assert.deepEqual([...(await readBack(packed.devel.path)).keys()], ['.']);
    assert.deepEqual([...(await readBack(packed.runtime.path)).keys()], ['.', 'usr', 'usr/bin', 'usr/bin/tool']);
  });

  it('rejects a missing DESTDIR, a bad flavor, a bad name and an output inside DESTDIR', async () => {
    const fails = async (overrides: Partial<PackArtifactOptions>, code: string, text: RegExp): Promise<void> => {
      await assert.rejects(packArtifact({ ...options, outDir: join(work, 'out-bad'), ...overrides }), (err: unknown) => {
        assert.ok(isHacktreeError(err), String(err));
        assert.equal(err.code, code);
        assert.match(err.message, text);
        return true;
      });
    };
    await fails({ destdir: join(work, 'nowhere') }, 'SOURCE_NOT_FOUND', /does not exist/);
    await fails({ destdir: join(work, 'dest/usr/bin/prog') }, 'SOURCE_NOT_FOUND', /is not a directory/);
    await fails({ flavor: 'fast' as 'opt' }, 'USAGE', /flavor 'fast'/);
    await fails({ name: 'a,b' }, 'ARTIFACT_NAME_INVALID', /name 'a,b'/);
    await fails({ version: '1/2' }, 'ARTIFACT_NAME_INVALID', /key 'v'/);
    await fails({ root: '' }, 'ARTIFACT_NAME_INVALID', /key 'r' has no value/);
    await fails({ outDir: join(work, 'dest/out') }, 'USAGE', /inside DESTDIR/);
    assert.throws(() => readFileSync(join(work, 'dest/out')), /ENOENT/, 'nothing was created inside DESTDIR');
    await fails({ mtime: -1 }, 'USAGE', /mtime -1/);
  });
});
