// Times the build sandbox's parts in-process, as `hacktree build` pays them (node's start-up
// aside); bench/build.sh runs it and makes the table. Each command prints seconds on stdout.
//
//   buildTimes.js prepare REPO BASE [TREE...]            prepareBuildRoot (fresh or reused: as found)
//   buildTimes.js sandbox REPO BASE WORK [TREE...]       runSandboxed(true): the sandbox's start and exit
//   buildTimes.js autotools REPO BASE WORK [TREE...]     the tiny project built in the sandbox
//   buildTimes.js host WORK                              the same steps straight on the host
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildAutotools } from '../src/builder/sandbox/buildAutotools.js';
import { prepareBuildRoot } from '../src/builder/sandbox/prepareBuildRoot.js';
import { runSandboxed } from '../src/builder/sandbox/runSandboxed.js';
import type { Oid } from '../src/model/git/oid.js';
import { writeAutotoolsProject } from '../test/helpers/autotoolsProject.js';

const EPOCH = 1700000000;
const [command, ...args] = process.argv.slice(2);

/** A fresh tiny project under WORK/NAME: work/tiny-1.0, dest, build.log. */
function freshProject(work: string): { workdir: string; destdir: string; logFile: string } {
  const dir = join(work, `project-${process.hrtime.bigint()}`);
  writeAutotoolsProject(join(dir, 'work', 'tiny-1.0'));
  mkdirSync(join(dir, 'dest'));
  return { workdir: join(dir, 'work'), destdir: join(dir, 'dest'), logFile: join(dir, 'build.log') };
}

async function timed(what: () => unknown): Promise<void> {
  const started = performance.now();
  await what();
  process.stdout.write(`${((performance.now() - started) / 1000).toFixed(3)}\n`);
}

switch (command) {
  case 'prepare': {
    const [repoDir, base, ...trees] = args;
    await timed(() => prepareBuildRoot({ repoDir: repoDir!, base: base!, artifactTrees: trees as Oid[] }));
    break;
  }
  case 'sandbox': {
    const [repoDir, base, work, ...trees] = args;
    const buildRoot = await prepareBuildRoot({ repoDir: repoDir!, base: base!, artifactTrees: trees as Oid[] });
    const paths = freshProject(work!);
    await timed(async () => {
      const status = await runSandboxed({ buildRoot, ...paths, command: ['true'], sourceDateEpoch: EPOCH });
      if (status !== 0) throw new Error(`true exited ${status} in the sandbox`);
    });
    break;
  }
  case 'autotools': {
    const [repoDir, base, work, ...trees] = args;
    const buildRoot = await prepareBuildRoot({ repoDir: repoDir!, base: base!, artifactTrees: trees as Oid[] });
    const paths = freshProject(work!);
    await timed(() => buildAutotools({ buildRoot, ...paths, sourceSubdir: 'tiny-1.0', flavor: 'opt', extraOeconf: [], jobs: 2, sourceDateEpoch: EPOCH }));
    break;
  }
  case 'host': {
    const paths = freshProject(args[0]!);
    const cwd = join(paths.workdir, 'tiny-1.0');
    const env = { ...process.env, CFLAGS: '-O2 -g', CXXFLAGS: '-O2 -g', SOURCE_DATE_EPOCH: String(EPOCH) };
    await timed(() => {
      for (const argv of [['autoreconf', '-fi'], ['./configure', '--prefix=/usr'], ['make', '-j2'], ['make', 'install', `DESTDIR=${paths.destdir}`]]) {
        execFileSync(argv[0]!, argv.slice(1), { cwd, env, stdio: 'ignore' });
      }
    });
    break;
  }
  default:
    process.stderr.write(`buildTimes.js: unknown command ${command ?? '(none)'}; see the top of bench/buildTimes.ts\n`);
    process.exit(2);
}
