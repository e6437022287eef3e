import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AutotoolsProjectOptions {
  /** configure stops with "zlib.h not found" unless the build root has zlib's headers. */
  needsZlib?: boolean;
  /** `make` prints 60 numbered lines ("make output line N") and then fails. */
  failingMake?: boolean;
}

/**
 * A tiny autotools project (configure.ac, Makefile.am, one C file; no generated configure, so a
 * build runs autoreconf): it installs /usr/bin/tiny and /usr/share/tiny/cflags.txt, which
 * records the CFLAGS it was compiled with.
 */
export function writeAutotoolsProject(dir: string, options: AutotoolsProjectOptions = {}): void {
  mkdirSync(dir, { recursive: true });
  const zlibCheck = options.needsZlib === true ? 'AC_CHECK_HEADER([zlib.h], [], [AC_MSG_ERROR([zlib.h not found])])\n' : '';
  writeFileSync(
    join(dir, 'configure.ac'),
    `AC_INIT([tiny], [1.0])\nAM_INIT_AUTOMAKE([foreign -Wall])\nAC_PROG_CC\n${zlibCheck}AC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n`,
  );
  const failing = options.failingMake === true
    ? '\nall-local:\n\tfor i in $$(seq 1 60); do echo "make output line $$i"; done; exit 1\n'
    : '';
  writeFileSync(
    join(dir, 'Makefile.am'),
    'bin_PROGRAMS = tiny\ntiny_SOURCES = tiny.c\n' +
      'tinydir = $(datadir)/tiny\ntiny_DATA = cflags.txt\nCLEANFILES = cflags.txt\n' +
      `cflags.txt: Makefile\n\techo '$(CFLAGS)' > $@\n${failing}`,
  );
  const include = options.needsZlib === true ? '#include <zlib.h>\n' : '';
  const version = options.needsZlib === true ? 'ZLIB_VERSION' : '"none"';
  writeFileSync(
    join(dir, 'tiny.c'),
    `#include <stdio.h>\n${include}int main(void) { printf("tiny, built %s %s, zlib %s\\n", __DATE__, __TIME__, ${version}); return 0; }\n`,
  );
}
