import type { ArtifactKind } from './artifactName.js';
import type { MetaLine } from './metaRecord.js';
import type { RepoPath } from './repoPath.js';

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
 * vala.bbclass "${datadir}/vala/vapi", gobject-introspection.bbclass "${datadir}/gir-1.0".
 * hacktree has no -staticdev, so static libraries join -devel. Deviations, on purpose:
 * - the lib directories also include lib32/lib64 variants (multilib layouts);
 * - `.a` and `.la` count at any depth under a lib directory, since we cannot know ${BPN} and
 *   no program needs them at run time;
 * - `*.pc` in any directory named pkgconfig (e.g. a multiarch usr/lib/<triplet>/pkgconfig);
 * - usr/lib/<dir>/include (glib's glibconfig.h) holds headers, so it is -devel;
 * - pkg-config itself (and its <triplet>-pkg-config aliases) is a tool the sdk root carries,
 *   not a package's configuration script, so it stays -runtime.
 * Everything else (programs, versioned lib*.so.N, plugins, data, docs) is -runtime.
 */

const LIB_DIRS = new Set(['lib', 'lib32', 'lib64', 'usr/lib', 'usr/lib32', 'usr/lib64']);
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
  return isDevelPath(path) ? 'devel' : 'runtime';
}

function isDevelPath(path: string): boolean {
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
  if (/^[^/]+\/include\//.test(inLib)) return true;
  if (name.endsWith('.a') || name.endsWith('.la')) return true;
  if (dir === libDir) {
    // lib*.so but not lib*.so.1: the unversioned name only the linker looks up.
    if (name.startsWith('lib') && name.endsWith('.so')) return true;
    if (name.endsWith('.o')) return true;
  }
  return false;
}

/** The lib directory a path lies under (longest match), if any. */
function libDirOf(path: string): string | undefined {
  const parts = path.split('/');
  if (parts.length >= 3 && LIB_DIRS.has(`${parts[0]}/${parts[1]}`)) return `${parts[0]}/${parts[1]}`;
  if (parts.length >= 2 && LIB_DIRS.has(parts[0]!)) return parts[0];
  return undefined;
}

function isUnder(path: string, tree: string): boolean {
  return path === tree || path.startsWith(`${tree}/`);
}

function isPkgConfigTool(name: string): boolean {
  return name === 'pkg-config' || name.endsWith('-pkg-config') || name === 'pkgconf';
}
