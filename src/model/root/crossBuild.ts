import type { Arch } from './arch.js';

/** What a cross build for an arch needs: Debian's cross toolchain for it, by GNU triplet. */
export interface CrossToolchain {
  /** The GNU triplet configure's --host takes, and the tools' prefix: aarch64-linux-gnu. */
  triplet: string;
  /** Debian's packages of the toolchain, which the cross toolchain base adds to the build base. */
  packages: readonly string[];
}

const TOOLCHAINS: Partial<Record<Arch, CrossToolchain>> = {
  aarch64: { triplet: 'aarch64-linux-gnu', packages: ['gcc-aarch64-linux-gnu', 'libc6-dev-arm64-cross', 'binutils-aarch64-linux-gnu'] },
};

/** The cross toolchain hacktree knows for building `target` programs, or undefined. */
export function crossToolchainOf(target: Arch): CrossToolchain | undefined {
  return TOOLCHAINS[target];
}

/** The GNU triplet of a build machine: what configure's --build takes. */
export function buildTriplet(host: string): string {
  return `${host}-linux-gnu`;
}

/**
 * The name of the cross toolchain base for builds of `target` on `base` (its branch is
 * base/NAME-TARGET): the host's userland of `base` plus the cross toolchain, so it is named
 * after the arch its programs are built for, not the arch it runs.
 */
export function crossBaseName(base: string): string {
  return `${base}-cross`;
}

/**
 * Where a cross build sees its dependencies' artifacts (the target's build root): under one
 * directory of their own rather than over the host's /usr, where the build's own tools live.
 */
export const CROSS_SYSROOT = '/sysroot';

/** configure's arguments for a cross build: the Bitcoin depends way, --host and --build named. */
export function crossConfigureArgs(toolchain: CrossToolchain, host: string): string[] {
  return [`--host=${toolchain.triplet}`, `--build=${buildTriplet(host)}`];
}

/**
 * The environment of a cross build: the tools by triplet, and the compiler, linker and
 * pkg-config pointed at CROSS_SYSROOT. -I/-L, not --sysroot: Debian's cross gcc keeps the
 * target's C library in /usr/TRIPLET, outside any sysroot holding only the dependencies, so
 * --sysroot would hide it.
 */
export function crossEnv(toolchain: CrossToolchain): Record<string, string> {
  const tool = (name: string) => `${toolchain.triplet}-${name}`;
  const lib = `${CROSS_SYSROOT}/usr/lib`;
  return {
    CC: tool('gcc'),
    CPP: `${tool('gcc')} -E`,
    CXX: tool('g++'),
    AR: tool('ar'),
    AS: tool('as'),
    LD: tool('ld'),
    NM: tool('nm'),
    OBJDUMP: tool('objdump'),
    RANLIB: tool('ranlib'),
    STRIP: tool('strip'),
    CPPFLAGS: `-I${CROSS_SYSROOT}/usr/include`,
    LDFLAGS: `-L${lib} -Wl,-rpath-link,${lib}`,
    PKG_CONFIG_LIBDIR: `${lib}/pkgconfig:${CROSS_SYSROOT}/usr/share/pkgconfig`,
    PKG_CONFIG_SYSROOT_DIR: CROSS_SYSROOT,
  };
}

/** What configure says when it needs to run a program it built, which a cross build cannot. */
export function configureRanTestProgram(logTail: string): boolean {
  return /cannot run test program while cross compiling/.test(logTail);
}
