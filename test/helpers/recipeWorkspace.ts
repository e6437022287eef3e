import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A small workspace for builder tests: roots/1.0.json (runtime liba + progb, over the base
 * debian-bookworm) and two recipes whose sources are local tarballs in recipes/files/:
 * liba (a shared library with a header) and progb (a program that DEPENDS on liba, whose
 * configure fails without /usr/include/a.h, and which records its configure arguments).
 * Their configure scripts are tiny hand-written ones: the builder only assumes
 * `./configure --prefix=/usr ARGS; make; make install DESTDIR=/dest`, and these keep each
 * sandboxed build to about a second (real autotools are tested in the sandbox tests).
 */
export function makeRecipeWorkspace(dir = mkdtempSync(join(tmpdir(), 'hacktree-ws-'))): string {
  write(dir, 'roots/1.0.json', JSON.stringify({ version: '1.0', arches: ['x86_64'], runtime: ['liba', 'progb'], base: 'debian-bookworm' }, null, 2) + '\n');
  mkdirSync(join(dir, 'artifacts'), { recursive: true });
  write(dir, 'recipes/liba_1.0.bb', [
    'SUMMARY = "The answer, as a shared library"',
    'LICENSE = "MIT"',
    'SRC_URI = "file://liba-${PV}.tar.gz"',
    '',
  ].join('\n'));
  write(dir, 'recipes/progb_1.0.bb', [
    'SUMMARY = "Prints what liba answers"',
    'LICENSE = "MIT"',
    'DEPENDS = "liba"',
    'SRC_URI = "file://progb-${PV}.tar.gz"',
    'EXTRA_OECONF = "--with-answer"',
    '',
  ].join('\n'));
  writeSourceTarball(dir, 'liba-1.0', {
    'configure': CONFIGURE,
    'Makefile.in': makefile([
      'all: liba.so.1',
      'liba.so.1: a.c a.h',
      '\tgcc $(CFLAGS) -fPIC -shared -Wl,-soname,liba.so.1 -o liba.so.1 a.c',
      'install: all',
      '\tinstall -D -m 0644 a.h $(DESTDIR)$(prefix)/include/a.h',
      '\tinstall -D -m 0755 liba.so.1 $(DESTDIR)$(prefix)/lib/liba.so.1',
      '\tln -sf liba.so.1 $(DESTDIR)$(prefix)/lib/liba.so',
    ]),
    'a.h': 'int liba_answer(void);\n',
    'a.c': '#include "a.h"\nint liba_answer(void) { return 42; }\n',
  });
  writeSourceTarball(dir, 'progb-1.0', {
    'configure': CONFIGURE.replace('# checks', 'test -f /usr/include/a.h || { echo "configure: error: a.h not found: is liba in DEPENDS?" >&2; exit 1; }'),
    'Makefile.in': makefile([
      'all: progb',
      'progb: b.c',
      '\tgcc $(CFLAGS) -o progb b.c -la',
      'install: all',
      '\tinstall -D -m 0755 progb $(DESTDIR)$(prefix)/bin/progb',
      '\tinstall -D -m 0644 configure-args $(DESTDIR)$(prefix)/share/progb/configure-args',
    ]),
    'b.c': '#include <stdio.h>\n#include <a.h>\nint main(void) { printf("progb: %d\\n", liba_answer()); return 0; }\n',
  });
  return dir;
}

/** Writes a file of the workspace, making its directory. */
export function write(dir: string, path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

/** recipes/files/NAME.tar.gz holding NAME/ with these files (configure executable). */
export function writeSourceTarball(workspace: string, name: string, files: Record<string, string>): void {
  const staging = mkdtempSync(join(tmpdir(), 'hacktree-src-'));
  try {
    for (const [path, content] of Object.entries(files)) write(join(staging, name), path, content);
    chmodSync(join(staging, name, 'configure'), 0o755);
    mkdirSync(join(workspace, 'recipes/files'), { recursive: true });
    const tar = spawnSync('tar', ['-czf', join(workspace, 'recipes/files', `${name}.tar.gz`), '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '-C', staging, name]);
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

const CONFIGURE = `#!/bin/sh
# A hand-written configure: what hacktree's autotools step calls, without autoconf's minutes.
prefix=/usr
for arg; do case $arg in --prefix=*) prefix=\${arg#--prefix=} ;; esac; done
# checks
echo "$@" > configure-args
sed "s|@prefix@|$prefix|" Makefile.in > Makefile
`;

function makefile(rules: string[]): string {
  return ['prefix = @prefix@', ...rules, ''].join('\n');
}
