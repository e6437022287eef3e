import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { flavorFlags } from '../../model/artifact/flavorFlags.js';
import { parseRepoPath } from '../../model/snapshot/repoPath.js';
import type { Flavor } from '../../model/root/rootName.js';
import { readLogTail } from './readLogTail.js';
import type { Arch } from '../../model/root/arch.js';
import type { CrossBuild } from './crossBuildFor.js';
import { BUILD_DIR, DEST_DIR, runSandboxed, type BuildRootLayers } from './runSandboxed.js';

export interface AutotoolsBuild {
  /** The build root (prepareBuildRoot's answer). */
  buildRoot: BuildRootLayers;
  /** Host work directory, /build inside: the unpacked sources are in it. */
  workdir: string;
  /** The source tree (S), relative to the work directory: "hello-2.12". */
  sourceSubdir: string;
  /** Host directory for `make install DESTDIR=`, /dest inside. */
  destdir: string;
  flavor: Flavor;
  /** EXTRA_OECONF, as words. */
  extraOeconf: readonly string[];
  /** More environment for every step (a recipe's exported variables). */
  env?: Readonly<Record<string, string>>;
  jobs: number;
  /** Every step's output is appended here. */
  logFile: string;
  sourceDateEpoch: number;
  /** The tree was configured by an earlier run with the same inputs: only make and install run. */
  configured?: boolean;
  /** After configure succeeded (before make): the tree is configured from now on. */
  onConfigured?: () => void;
  /** Before each step runs (build statistics time them). */
  onStep?: (step: AutotoolsStep) => void;
  /** The arch built for, natively (runSandboxed's personality); default the host's. */
  arch?: Arch;
  /** A cross build (on the host's userland, for `cross.arch`): configure's --host/--build and the tools' environment. */
  cross?: CrossBuild;
}

export type AutotoolsStep = 'autoreconf' | 'configure' | 'make' | 'install';

/** Lines of the log a BUILD_FAILED error carries. */
export const FAILED_LOG_LINES = 40;

/**
 * Builds and installs an autotools project in the build sandbox: `autoreconf -fi` when the
 * tree has no configure script, `./configure --prefix=/usr EXTRA_OECONF` (unless `configured`),
 * `make -jN`,
 * `make install DESTDIR=/dest`, with the flavor's CFLAGS/CXXFLAGS (and for a cross build,
 * --host/--build and the cross tools). A failing step is
 * BUILD_FAILED naming it, with the log's last lines and path; the work directory is left as
 * it is, for the caller to keep or remove.
 */
export async function buildAutotools(build: AutotoolsBuild): Promise<void> {
  const sourceDir = parseRepoPath(build.sourceSubdir, 'the source directory');
  if (!Number.isInteger(build.jobs) || build.jobs < 1) {
    throw new HacktreeError('USAGE', `jobs must be a positive whole number, not ${build.jobs}`, { hint: 'for example -j 2', data: { jobs: build.jobs } });
  }
  const flags = flavorFlags(build.flavor);
  const steps: Array<{ step: AutotoolsStep; argv: string[] }> = [];
  if (build.configured !== true) {
    if (!existsSync(join(build.workdir, sourceDir, 'configure'))) steps.push({ step: 'autoreconf', argv: ['autoreconf', '-fi'] });
    steps.push({ step: 'configure', argv: ['./configure', '--prefix=/usr', ...(build.cross?.configureArgs ?? []), ...build.extraOeconf] });
  }
  steps.push(
    { step: 'make', argv: ['make', `-j${build.jobs}`] },
    { step: 'install', argv: ['make', 'install', `DESTDIR=${DEST_DIR}`] },
  );
  for (const { step, argv } of steps) {
    build.onStep?.(step);
    appendFileSync(build.logFile, `hacktree: ${step}: ${argv.join(' ')}\n`);
    const status = await runSandboxed({
      buildRoot: build.buildRoot,
      workdir: build.workdir,
      destdir: build.destdir,
      // Modes of installed files must not depend on the caller's umask.
      command: ['/bin/sh', '-c', 'umask 022 && exec "$@"', 'sh', ...argv],
      cwd: sourceDir === '.' ? BUILD_DIR : `${BUILD_DIR}/${sourceDir}`,
      sourceDateEpoch: build.sourceDateEpoch,
      env: { CFLAGS: flags, CXXFLAGS: flags, ...build.cross?.env, ...build.env },
      logFile: build.logFile,
      // A cross build runs the host's tools: no personality.
      arch: build.cross === undefined ? build.arch : undefined,
    });
    if (status !== 0) throw stepFailed(build, step, argv, status);
    if (step === 'configure') build.onConfigured?.();
  }
}

function stepFailed(build: AutotoolsBuild, step: AutotoolsStep, argv: readonly string[], status: number): HacktreeError {
  const tail = readLogTail(build.logFile, FAILED_LOG_LINES);
  return new HacktreeError(
    'BUILD_FAILED',
    `step ${step} (${argv.join(' ')}) failed with exit status ${status} in ${build.sourceSubdir}; the last ${tail.length} lines of ${build.logFile}:\n${tail.join('\n')}`,
    {
      hint: `the whole log is ${build.logFile}`,
      data: { step, status, logFile: build.logFile, tail, workdir: build.workdir, destdir: build.destdir },
    },
  );
}
