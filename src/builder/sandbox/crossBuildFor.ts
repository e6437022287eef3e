import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { nativeBuildOf, type Arch } from '../../model/root/arch.js';
import { crossConfigureArgs, crossEnv, crossToolchainOf, type CrossToolchain } from '../../model/root/crossBuild.js';
import { hostArch } from '../../platform/process/archCommand.js';

/** How buildAutotools cross-builds: configure's --host/--build and the tools' environment. */
export interface CrossBuild {
  arch: Arch;
  toolchain: CrossToolchain;
  configureArgs: readonly string[];
  env: Readonly<Record<string, string>>;
}

/** The cross build of `arch` on this machine, or undefined when it builds natively (or under a personality). */
export function crossBuildFor(arch: Arch): CrossBuild | undefined {
  const host = hostArch();
  if (nativeBuildOf(host, arch) !== 'foreign') return undefined;
  const toolchain = crossToolchainOf(arch);
  if (toolchain === undefined) {
    throw new HacktreeError('ARCH_UNSUPPORTED', `hacktree cannot build for ${arch} on this ${host} machine: it knows no cross toolchain for it`, {
      hint: `build the arches this machine runs (hacktree build --arch ${host}), or build on an ${arch} machine`,
      data: { arch, host },
    });
  }
  return { arch, toolchain, configureArgs: crossConfigureArgs(toolchain, host), env: crossEnv(toolchain) };
}

/**
 * Refuses a cross build whose toolchain base lacks the cross compiler (a base made --from a
 * directory, say), before anything is fetched or built: the toolchain base must have it.
 */
export function checkCrossToolchain(options: { cross: CrossBuild; baseDir: string; baseRef: string; recipe: string }): void {
  const { cross } = options;
  const compiler = `usr/bin/${cross.toolchain.triplet}-gcc`;
  if (existsSync(join(options.baseDir, compiler))) return;
  throw new HacktreeError('CROSS_TOOLCHAIN_MISSING', `cannot cross-build ${options.recipe} for ${cross.arch}: the toolchain base ${options.baseRef} has no /${compiler}`, {
    hint: `make the base with the cross toolchain (Debian's ${cross.toolchain.packages.join(', ')}): hacktree bootstrap --arch ${cross.arch} --again`,
    data: { recipe: options.recipe, arch: cross.arch, base: options.baseRef, missing: `/${compiler}`, packages: cross.toolchain.packages },
  });
}
