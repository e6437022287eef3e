import { HacktreeError } from '../../errors/HacktreeError.js';
import { nativeBuildOf, type Arch } from '../../model/root/arch.js';

/** This machine's arch as root names spell it (x86_64, aarch64, i686). */
export function hostArch(): string {
  const names: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'i686', arm: 'armv7' };
  return names[process.arch] ?? process.arch;
}

/**
 * The command line that runs `argv` as a program of `arch` runs here: as it is on its own arch;
 * under `setarch i686` for i686 on x86_64 (the personality is inherited by everything the program
 * starts, so `uname -m`, config.guess and gcc's default all say i686 inside). Another arch
 * cannot run natively: `what` says what was asked, for the error.
 */
export function archCommand(arch: Arch, argv: readonly string[], what: string): string[] {
  const how = nativeBuildOf(hostArch(), arch);
  if (how === 'same') return [...argv];
  if (how === 'personality') return ['setarch', arch, ...argv];
  throw new HacktreeError('ARCH_UNSUPPORTED', `${what}: ${arch} programs do not run natively on this ${hostArch()} machine`, {
    hint: `roots for ${arch} need a cross toolchain to build and qemu-user-static (binfmt_misc) to run; this hacktree builds x86_64 and i686 natively`,
    data: { arch, host: hostArch() },
  });
}
