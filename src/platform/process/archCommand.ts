import { readFileSync } from 'node:fs';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { nativeBuildOf, type Arch } from '../../model/root/arch.js';

/** This machine's arch as root names spell it (x86_64, aarch64, i686). */
export function hostArch(): string {
  const names: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'i686', arm: 'armv7' };
  return names[process.arch] ?? process.arch;
}

/** What the command line is for: building runs only natively; running may go through qemu-user. */
export type ArchPurpose = 'build' | 'run';

/**
 * The command line that runs `argv` as a program of `arch` runs here: as it is on its own arch;
 * under `setarch i686` for i686 on x86_64 (the personality is inherited by everything the program
 * starts, so `uname -m`, config.guess and gcc's default all say i686 inside). A foreign arch runs
 * (never builds) through qemu-user when binfmt_misc has it registered with the F flag (the
 * interpreter opened at registration, so it works inside a sandbox whose `/` lacks it);
 * otherwise it is refused, naming what to install. `what` says what was asked, for the error.
 */
export function archCommand(arch: Arch, argv: readonly string[], what: string, purpose: ArchPurpose = 'build'): string[] {
  const how = nativeBuildOf(hostArch(), arch);
  if (how === 'same') return [...argv];
  if (how === 'personality') return ['setarch', arch, ...argv];
  if (purpose === 'run') {
    const binfmt = qemuBinfmt(arch);
    if (binfmt === 'ready') return [...argv];
    throw new HacktreeError('ARCH_UNSUPPORTED', `${what}: ${arch} programs do not run on this ${hostArch()} machine: ${binfmt === 'missing' ? `binfmt_misc has no qemu-${arch} interpreter registered` : `binfmt_misc's qemu-${arch} is ${binfmt}`}`, {
      hint: `install qemu-user-static and binfmt-support (apt-get install qemu-user-static binfmt-support), which register qemu-${arch} with the F flag; then run it again`,
      data: { arch, host: hostArch(), binfmt },
    });
  }
  throw new HacktreeError('ARCH_UNSUPPORTED', `${what}: ${arch} programs do not run natively on this ${hostArch()} machine; only recipe builds (hacktree build) cross-compile for ${arch}`, {
    hint: `build ${arch} recipes with "hacktree build --arch ${arch}", or build on an ${arch} machine`,
    data: { arch, host: hostArch() },
  });
}

/** Whether binfmt_misc runs `arch` binaries through qemu-user, in a way a sandbox keeps working. */
function qemuBinfmt(arch: Arch): 'ready' | 'missing' | 'disabled' | 'registered without the F flag' {
  let entry: string;
  try {
    entry = readFileSync(`/proc/sys/fs/binfmt_misc/qemu-${arch}`, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return 'missing';
    throw err;
  }
  if (!/^enabled$/m.test(entry)) return 'disabled';
  return /^flags: \S*F/m.test(entry) ? 'ready' : 'registered without the F flag';
}
