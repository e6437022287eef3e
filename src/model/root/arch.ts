import { HacktreeError } from '../../errors/HacktreeError.js';

/**
 * The architectures roots are made for, by the names root names, `r=` and `a=` carry: what
 * `uname -m` says inside such a root (i686 rather than the design's "ia32", which is accepted as
 * another name for it in root definitions).
 */
export const ARCHES = ['x86_64', 'i686', 'aarch64'] as const;
export type Arch = (typeof ARCHES)[number];

/** Other names definitions may use, and the arch each stands for. */
export const ARCH_ALIASES: Readonly<Record<string, Arch>> = { ia32: 'i686' };

/** What an artifact without `a=` was built for: every artifact written before roots had arches. */
export const LEGACY_ARCH: Arch = 'x86_64';

/** The canonical arch a name stands for, or undefined when it is none hacktree knows. */
export function canonicalArch(name: string): Arch | undefined {
  if ((ARCHES as readonly string[]).includes(name)) return name as Arch;
  return Object.hasOwn(ARCH_ALIASES, name) ? ARCH_ALIASES[name] : undefined;
}

/** Debian's name for the arch: what debootstrap --arch and dpkg take. */
export function debianArch(arch: Arch): string {
  return { x86_64: 'amd64', i686: 'i386', aarch64: 'arm64' }[arch];
}

/**
 * How a host of `host` builds for `target`: as it is, under a 32-bit personality (`setarch
 * i686`: an x86_64 kernel runs i386 userlands, and `uname -m` then says i686, so configure
 * guesses i686-pc-linux-gnu with nothing to cross), or not at all natively.
 */
export function nativeBuildOf(host: string, target: Arch): 'same' | 'personality' | 'foreign' {
  if (host === target) return 'same';
  if (host === 'x86_64' && target === 'i686') return 'personality';
  return 'foreign';
}

/** An artifact's arch from its name keys: `a=`, else the arch of names written before it existed. */
export function artifactArch(keys: Readonly<Record<string, string>>): string {
  return keys.a ?? LEGACY_ARCH;
}

/** The arches an `--arch` option names (aliases allowed), canonical and each once; unknown ones are a usage error. */
export function parseArchOption(names: readonly string[]): Arch[] {
  const arches: Arch[] = [];
  for (const name of names.flatMap((n) => n.split(','))) {
    const arch = canonicalArch(name.trim());
    if (arch === undefined) {
      throw new HacktreeError('USAGE', `--arch ${JSON.stringify(name)} is not an architecture hacktree knows`, {
        hint: `name one or more of ${ARCHES.join(', ')} (ia32 is i686)`,
        data: { arch: name },
      });
    }
    if (!arches.includes(arch)) arches.push(arch);
  }
  return arches;
}
