import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitOf } from '../../src/model/artifact/splitRule.js';
import type { RepoPath } from '../../src/model/snapshot/repoPath.js';

function devel(path: string, kind: 'file' | 'symlink' = 'file'): void {
  assert.equal(splitOf(path as RepoPath, kind), 'devel', `${path} (${kind}) should be devel`);
}
function runtime(path: string, kind: 'file' | 'symlink' | 'dir' | 'fifo' | 'chardev' = 'file'): void {
  assert.equal(splitOf(path as RepoPath, kind), 'runtime', `${path} (${kind}) should be runtime`);
}

describe('splitOf', () => {
  it('puts headers in -devel', () => {
    devel('usr/include/foo.h');
    devel('usr/include/foo/bar/baz.hpp');
    devel('usr/lib/glib-2.0/include/glibconfig.h');
    devel('usr/lib64/dbus-1.0/include/dbus/dbus-arch-deps.h');
  });

  it('puts unversioned lib*.so in -devel and versioned ones in -runtime', () => {
    devel('usr/lib/libfoo.so', 'symlink');
    devel('usr/lib/libfoo.so', 'file');
    devel('lib/libc.so');
    devel('usr/lib64/libfoo.so', 'symlink');
    runtime('usr/lib/libfoo.so.1', 'symlink');
    runtime('usr/lib/libfoo.so.1.2.3');
    runtime('lib/libc.so.6');
  });

  it('leaves plugins and unversioned .so outside lib dirs in -runtime', () => {
    runtime('usr/lib/gdk-pixbuf-2.0/2.10.0/loaders/libpixbufloader-png.so');
    runtime('usr/lib/python3.12/site-packages/_foo.so');
    runtime('usr/lib/foo.so');
    runtime('usr/share/libfoo.so');
  });

  it('puts static libraries, libtool archives and lib-dir objects in -devel', () => {
    devel('usr/lib/libfoo.a');
    devel('lib/libfoo.la');
    devel('usr/lib/foo/libplugin.la');
    devel('usr/lib/crt1.o');
    devel('lib64/crti.o');
    devel('usr/libx32/libfoo.a');
  });

  it("treats a multiarch directory as ${libdir}: glibc's startup objects and link names are -devel", () => {
    // Where Debian's libc6-dev puts them.
    for (const object of ['crt1.o', 'Scrt1.o', 'crti.o', 'crtn.o', 'gcrt1.o', 'Mcrt1.o', 'rcrt1.o', 'grcrt1.o']) {
      devel(`usr/lib/x86_64-linux-gnu/${object}`);
    }
    devel('usr/lib/x86_64-linux-gnu/libc_nonshared.a');
    devel('usr/lib/x86_64-linux-gnu/libc.so'); // a linker script, a regular file
    devel('usr/lib/x86_64-linux-gnu/libm.so');
    devel('usr/lib/x86_64-linux-gnu/libfoo.so', 'symlink');
    devel('lib/aarch64-linux-gnu/libfoo.so', 'symlink');
    devel('usr/lib/arm-linux-gnueabihf/crt1.o');
    devel('usr/lib/x86_64-linux-gnu/pkgconfig/zlib.pc');
    devel('usr/lib/x86_64-linux-gnu/cmake/Foo/FooConfig.cmake');
    devel('usr/lib/x86_64-linux-gnu/glib-2.0/include/glibconfig.h');
    // Where Debian's libc6, zlib1g... put them.
    runtime('lib/x86_64-linux-gnu/libc.so.6');
    runtime('usr/lib/x86_64-linux-gnu/libfoo.so.1', 'symlink');
    runtime('usr/lib/x86_64-linux-gnu/libfoo.so.1.2.3');
    runtime('lib64/ld-linux-x86-64.so.2', 'symlink');
    runtime('usr/lib/x86_64-linux-gnu/gconv/UTF-16.so');
    runtime('lib/x86_64-linux-gnu/security/pam_unix.so');
    runtime('usr/lib/x86_64-linux-gnu/perl/5.36.0/auto/POSIX/POSIX.so');
    runtime('usr/lib/x86_64-linux-gnu/foo/crt1.o');
    // A directory that is no triplet is not a lib directory of its own.
    runtime('usr/lib/not-a-triplet/libfoo.so', 'symlink');
  });

  it("puts gcc's startup objects, link names, static libraries and headers in -devel, the compiler in -runtime", () => {
    const gcc = 'usr/lib/gcc/x86_64-linux-gnu/12';
    for (const object of ['crtbegin.o', 'crtbeginS.o', 'crtend.o', 'crtendS.o', 'crtfastmath.o', 'libasan_preinit.o']) {
      devel(`${gcc}/${object}`);
    }
    devel(`${gcc}/libgcc.a`);
    devel(`${gcc}/libgcc_eh.a`);
    devel(`${gcc}/libgcc_s.so`); // a linker script upstream, a symlink in Debian
    devel(`${gcc}/libgcc_s.so`, 'symlink');
    devel(`${gcc}/libstdc++.so`, 'symlink');
    devel(`${gcc}/include/stddef.h`);
    devel(`${gcc}/include/sanitizer/asan_interface.h`);
    devel(`${gcc}/include-fixed/limits.h`);
    devel(`${gcc}/plugin/include/tree.h`);
    devel('usr/lib/gcc-cross/aarch64-linux-gnu/12/crtbegin.o');
    runtime(`${gcc}/liblto_plugin.so`);
    runtime(`${gcc}/cc1`);
    runtime(`${gcc}/collect2`);
    runtime(`${gcc}/libgomp.spec`);
    runtime(`${gcc}/plugin/libcc1plugin.so.0.0.0`);
    runtime(`${gcc}/plugin/libcc1plugin.so`, 'symlink');
    runtime('usr/libexec/gcc/x86_64-pc-linux-gnu/13.2.0/cc1');
    runtime('usr/libexec/gcc/x86_64-pc-linux-gnu/13.2.0/liblto_plugin.so');
  });

  it("keeps a libtool -release library (libdb-5.3.so) in -runtime and its link name in -devel", () => {
    runtime('usr/lib/x86_64-linux-gnu/libdb-5.3.so');
    runtime('usr/lib/x86_64-linux-gnu/libbfd-2.40-system.so');
    runtime('usr/lib/libelf-0.188.so');
    devel('usr/lib/libdb.so', 'symlink');
    devel('usr/lib/libapr-1.so', 'symlink');
    devel('usr/lib/libdb-5.3.so', 'symlink');
  });

  it('puts pkg-config, aclocal, cmake, gir and vapi files in -devel', () => {
    devel('usr/lib/pkgconfig/foo.pc');
    devel('usr/lib64/pkgconfig/foo.pc');
    devel('usr/share/pkgconfig/foo.pc');
    devel('usr/lib/x86_64-linux-gnu/pkgconfig/foo.pc');
    devel('usr/share/aclocal/foo.m4');
    devel('usr/lib/cmake/Foo/FooConfig.cmake');
    devel('usr/share/cmake/Foo/FooConfig.cmake');
    devel('usr/share/gir-1.0/Foo-1.0.gir');
    devel('usr/share/vala/vapi/foo.vapi');
    runtime('usr/lib/girepository-1.0/Foo-1.0.typelib');
    runtime('usr/share/cmake-3.28/Modules/FindFoo.cmake');
    runtime('usr/lib/python3/dist-packages/numpy/core/include/numpy/ndarraytypes.h');
  });

  it('puts *-config scripts in bindir in -devel, other programs in -runtime', () => {
    devel('usr/bin/foo-config');
    devel('bin/bar-config');
    runtime('usr/bin/prog');
    runtime('usr/bin/configure-thing');
    runtime('usr/libexec/foo-config');
    runtime('usr/bin/pkg-config');
    runtime('usr/bin/x86_64-linux-gnu-pkg-config');
    runtime('bin/sh', 'symlink');
  });

  it('puts data, docs, config and special files in -runtime', () => {
    runtime('usr/share/doc/foo/README');
    runtime('usr/share/man/man1/foo.1');
    runtime('etc/foo.conf');
    runtime('dev/null', 'chardev');
    runtime('run/foo.fifo', 'fifo');
  });

  it('sends a directory on its own (empty) to -runtime, even under a -devel tree', () => {
    runtime('.', 'dir');
    runtime('usr/share/empty', 'dir');
    runtime('usr/include/foo', 'dir');
  });
});
