import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitOf } from '../../src/model/splitRule.js';
import type { RepoPath } from '../../src/model/repoPath.js';

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
    runtime('usr/lib/gcc/x86_64-linux/13/crtbegin.o');
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
