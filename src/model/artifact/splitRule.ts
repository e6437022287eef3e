import type { ArtifactKind } from './artifactName.js';
import type { MetaLine } from '../snapshot/metaRecord.js';
import type { RepoPath } from '../snapshot/repoPath.js';

/*
 * Which split, -runtime or -devel, a path belongs to. The reference is OpenEmbedded's
 * meta/conf/bitbake.conf (libdir = usr/lib, base_libdir = lib, includedir = usr/include):
 *
 *   FILES_SOLIBSDEV ?= "${base_libdir}/lib*${SOLIBSDEV} ${libdir}/lib*${SOLIBSDEV}"   (SOLIBSDEV = .so)
 *   FILES:${PN}-dev = "${includedir} ${FILES_SOLIBSDEV} ${libdir}/*.la \
 *                   ${libdir}/*.o ${libdir}/pkgconfig ${datadir}/pkgconfig \
 *                   ${datadir}/aclocal ${base_libdir}/*.o \
 *                   ${libdir}/${BPN}/*.la ${base_libdir}/*.la \
 *                   ${libdir}/cmake ${datadir}/cmake"
 *   FILES:${PN}-staticdev = "${libdir}/*.a ${base_libdir}/*.a ${libdir}/${BPN}/*.a"
 *
 * plus what OE's classes append to ${PN}-dev: binconfig.bbclass "${bindir}/*-config",
 * vala.bbclass "${datadir}/vala/vapi", gobject-introspection.bbclass "${datadir}/gir-1.0";
 * and what its gcc recipes put in libgcc-dev, libstdc++-dev and gcc-dev: the startup objects,
 * static libraries, lib*.so links and plugin headers in gcc's own directory
 * ${libdir}/gcc/<target>/<version>. hacktree has no -staticdev, so static libraries join
 * -devel. Deviations, on purpose:
 * - a lib directory is lib, lib32, lib64 or libx32, under / or usr/, or a multiarch
 *   subdirectory of one (Debian's usr/lib/x86_64-linux-gnu), which is ${libdir} where it
 *   exists: crt1.o, Scrt1.o and the libc.so linker script lie there;
 * - `.a` and `.la` count at any depth under a lib directory, since we cannot know ${BPN} and
 *   no program needs them at run time;
 * - `*.pc` in any directory named pkgconfig (e.g. a multiarch usr/lib/<triplet>/pkgconfig);
 * - a package's include directory in a lib directory (glib's usr/lib/glib-2.0/include) holds
 *   headers, so it is -devel; so are gcc's plugin/include (gcc-dev in OE) and gcc's own
 *   include and include-fixed, which OE ships with the compiler and Debian in libgcc-N-dev:
 *   compiling needs libc's headers, which are -devel anyway, so the compiler's stddef.h goes
 *   with them. Deeper include directories (a Python module's numpy/core/include) stay
 *   -runtime, as Debian ships them;
 * - a regular file lib<name>-<digit>...so in a lib directory is a library whose soname has no
 *   number after .so (libtool's -release: libdb-5.3.so, libbfd-2.40-system.so, libelf-0.188.so),
 *   so it is -runtime; OE's recipes say so one by one (db, binutils, bind, gettext). Its
 *   symlink of the same shape (libapr-1.so -> libapr-1.so.0) is the linker's name: -devel;
 * - gcc's LTO plugin liblto_plugin.so is the compiler's, -runtime, also where Debian installs
 *   it (gcc's directory; OE's libexecdir, which is -runtime here too);
 * - pkg-config itself (and its <triplet>-pkg-config aliases) is a tool the sdk root carries,
 *   not a package's configuration script, so it stays -runtime.
 * Everything else (programs, versioned lib*.so.N, plugins, data, docs) is -runtime.
 */

const LIB_DIRS = new Set(['lib', 'lib32', 'lib64', 'libx32', 'usr/lib', 'usr/lib32', 'usr/lib64', 'usr/libx32']);
// A GNU triplet naming Linux: x86_64-linux-gnu, arm-linux-gnueabihf, x86_64-poky-linux.
const MULTIARCH_DIR = /^[a-z0-9_]+(-[a-z0-9_]+)?-linux(-[a-z0-9_]+)?$/;
// gcc's own directory below a lib directory: gcc/<target>/<version>/ (gcc-cross for cross compilers).
const GCC_DIR = /^gcc(-cross)?\/[^/]+\/[^/]+$/;
// Header directories below a lib directory: a package's own (glib-2.0/include) and gcc's.
const INCLUDE_IN_LIB_DIR = /^([^/]+|gcc(-cross)?\/[^/]+\/[^/]+(\/plugin)?)\/include(-fixed)?\//;
const DEVEL_TREES = [
  'usr/include',
  'usr/share/pkgconfig',
  'usr/share/aclocal',
  'usr/share/cmake',
  'usr/share/gir-1.0',
  'usr/share/vala/vapi',
];
const DEVEL_TREES_IN_LIB_DIRS = ['pkgconfig', 'cmake'];
const BIN_DIRS = new Set(['bin', 'usr/bin']);

/**
 * The split of one entry. For a directory this is where it goes when it is empty: packing
 * puts a non-empty directory into every split that holds something under it.
 */
export function splitOf(path: RepoPath, kind: MetaLine['kind']): ArtifactKind {
  if (kind === 'dir') return 'runtime';
  return isDevelPath(path, kind) ? 'devel' : 'runtime';
}

function isDevelPath(path: string, kind: MetaLine['kind']): boolean {
  if (DEVEL_TREES.some((tree) => isUnder(path, tree))) return true;
  const slash = path.lastIndexOf('/');
  const dir = slash < 0 ? '' : path.slice(0, slash);
  const name = path.slice(slash + 1);
  if (name.endsWith('.gir')) return true;
  if (BIN_DIRS.has(dir) && name.endsWith('-config') && name !== '-config' && !isPkgConfigTool(name)) return true;
  if (dir === 'pkgconfig' || dir.endsWith('/pkgconfig')) {
    if (name.endsWith('.pc')) return true;
  }
  const libDir = libDirOf(path);
  if (libDir === undefined) return false;
  const inLib = path.slice(libDir.length + 1);
  if (DEVEL_TREES_IN_LIB_DIRS.some((tree) => isUnder(inLib, tree))) return true;
  if (INCLUDE_IN_LIB_DIR.test(inLib)) return true;
  if (name.endsWith('.a') || name.endsWith('.la')) return true;
  const inGccDir = GCC_DIR.test(dir.slice(libDir.length + 1));
  if (dir === libDir || inGccDir) {
    if (name.endsWith('.o')) return true;
    // lib*.so but not lib*.so.1: the unversioned name only the linker looks up.
    if (name.startsWith('lib') && name.endsWith('.so')) {
      if (kind !== 'symlink' && isReleaseLibrary(name)) return false;
      return !(inGccDir && name.startsWith('liblto_plugin'));
    }
  }
  return false;
}

/**
 * The lib directory a path lies under, if any: the multiarch one (lib/x86_64-linux-gnu) when
 * the path is inside it, else the plain one (usr/lib).
 */
function libDirOf(path: string): string | undefined {
  const parts = path.split('/');
  const baseLength = parts.length >= 3 && LIB_DIRS.has(`${parts[0]}/${parts[1]}`) ? 2
    : parts.length >= 2 && LIB_DIRS.has(parts[0]!) ? 1
    : 0;
  if (baseLength === 0) return undefined;
  const length = parts.length > baseLength + 1 && MULTIARCH_DIR.test(parts[baseLength]!) ? baseLength + 1 : baseLength;
  return parts.slice(0, length).join('/');
}

/** libtool's -release file name (libdb-5.3.so): the version sits before .so, after a dash. */
function isReleaseLibrary(name: string): boolean {
  return /^lib.+-[0-9][^/]*\.so$/.test(name);
}

function isUnder(path: string, tree: string): boolean {
  return path === tree || path.startsWith(`${tree}/`);
}

function isPkgConfigTool(name: string): boolean {
  return name === 'pkg-config' || name.endsWith('-pkg-config') || name === 'pkgconf';
}
