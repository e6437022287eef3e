import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { HacktreeError } from '../errors/HacktreeError.js';
import { formatArtifactName } from '../model/artifactName.js';
import { parseManifest } from '../model/manifest.js';
import type { Oid } from '../model/oid.js';
import { replaceComponents } from '../model/replaceComponents.js';
import { buildRootOf, parseRootName, rootBranch, type Flavor } from '../model/rootName.js';
import { readSnapshot } from '../store/readSnapshot.js';
import { branchRef, readRef } from '../store/refs.js';
import { openRepository, type Repository } from '../store/repository.js';
import { writeSnapshot } from '../store/writeSnapshot.js';
import { buildAutotools } from './buildAutotools.js';
import { packArtifact } from './packArtifact.js';
import { withKeptWorkdir } from './withKeptWorkdir.js';
import { prepareBuildRoot } from './prepareBuildRoot.js';
import { DEFAULT_BASE } from './resolveBuildTargets.js';

export interface BuildLocalOptions {
  repoDir: string;
  /** The autotools source tree (the current directory for `hacktree make`). */
  sourceDir: string;
  /** The root to build against and install into, VERSION-KIND-FLAVOR-ARCH ($HACKTREE_ROOT). */
  root: string;
  /** Default: the root's flavor; another one is an error (the artifact could not be installed). */
  flavor?: Flavor;
  /** The component; default AC_INIT's package name, else the directory's name. */
  name?: string;
  /** Base toolchain root without arch (branch base/BASE-ARCH); default debian-bookworm. */
  base?: string;
  outDir: string;
  jobs: number;
  keepFailed: boolean;
  onStep?: (step: string) => void;
}

export interface BuiltLocalArtifact {
  name: string;
  version: string;
  root: string;
  artifacts: string[];
  /** The artifacts the root takes: the -runtime one, and the -devel one for a devel root. */
  installable: string[];
  logFile: string;
}

/**
 * `hacktree make`: builds the source tree in the current directory in the same sandbox as a
 * recipe, over the base toolchain root plus the devel root of the same version, flavor and arch
 * without this component (its other components' runtime and devel artifacts), and packs the
 * result as origin `local`, version `git describe --always --dirty`. Installing is the caller's
 * (root install-local).
 */
export async function buildLocalArtifact(options: BuildLocalOptions): Promise<BuiltLocalArtifact> {
  const root = parseRootName(options.root);
  const flavor = options.flavor ?? root.flavor;
  if (flavor !== root.flavor) {
    throw new HacktreeError('ARTIFACT_ROOT_MISMATCH', `a ${flavor} build cannot go into ${options.root}, a ${root.flavor} root`, {
      hint: `set HACKTREE_ROOT to the ${flavor} root (e.g. ${root.version}-${root.kind}-${flavor}-${root.arch}), or run "hacktree make ${root.flavor}"`,
      data: { flavor, root: options.root },
    });
  }
  const sourceDir = resolve(options.sourceDir);
  if (!existsSync(join(sourceDir, 'configure.ac')) && !existsSync(join(sourceDir, 'configure'))) {
    throw new HacktreeError('SOURCE_NOT_FOUND', `${sourceDir} is not an autotools source tree (no configure.ac or configure)`, {
      hint: 'run "hacktree make" in the top directory of the component\'s source tree',
      data: { sourceDir },
    });
  }
  const name = options.name ?? autoconfPackageName(sourceDir) ?? basename(sourceDir);
  const version = describeVersion(sourceDir);
  const repo = openRepository(options.repoDir);
  const develRoot = `${root.version}-devel-${flavor}-${root.arch}`;
  const baseRef = `base/${options.base ?? DEFAULT_BASE}-${root.arch}`;
  const layer = await developmentLayer(repo, develRoot, name, buildRootOf(root), flavor);
  const workdir = mkdtempSync(join(tmpdir(), `hacktree-make-${name}-`));
  const destdir = mkdtempSync(join(tmpdir(), `hacktree-dest-${name}-`));
  mkdirSync(options.outDir, { recursive: true });
  const logFile = join(resolve(options.outDir), `${name}-${flavor}.log`);
  let succeeded = false;
  try {
    options.onStep?.(`${name}: copy ${sourceDir}`);
    // Timestamps kept: in a release tarball's tree (hacktree source) configure and Makefile.in
    // must stay newer than configure.ac, or make reruns the autotools the tarball spared.
    cpSync(sourceDir, join(workdir, 'src'), { recursive: true, preserveTimestamps: true, filter: (path) => basename(path) !== '.git' });
    options.onStep?.(`${name}: build root`);
    const buildRoot = await prepareBuildRoot({ repoDir: repo.dir, base: baseRef, artifactTrees: [layer] });
    options.onStep?.(`${name}: build (log: ${logFile})`);
    await buildAutotools({ buildRoot, workdir, sourceSubdir: 'src', destdir, flavor, extraOeconf: [], jobs: options.jobs, logFile, sourceDateEpoch: 0 });
    options.onStep?.(`${name}: pack`);
    const packed = await packArtifact({ destdir, name, version, root: buildRootOf(root), flavor, origin: 'local', outDir: options.outDir, mtime: 0 });
    succeeded = true;
    const installable = root.kind === 'devel' ? [packed.runtime.path, packed.devel.path] : [packed.runtime.path];
    return { name, version, root: options.root, artifacts: [packed.runtime.path, packed.devel.path], installable, logFile };
  } catch (err) {
    throw options.keepFailed ? withKeptWorkdir(err, workdir) : err;
  } finally {
    rmSync(destdir, { recursive: true, force: true });
    if (succeeded || !options.keepFailed) rmSync(workdir, { recursive: true, force: true });
  }
}

/** The devel root's tree without the component's own artifacts: what a local build of it sees. */
async function developmentLayer(repo: Repository, develRoot: string, component: string, buildRoot: string, flavor: Flavor): Promise<Oid> {
  const tip = await readRef(repo, branchRef(rootBranch(develRoot)));
  if (tip === null) {
    throw new HacktreeError('REF_NOT_FOUND', `the devel root ${develRoot} does not exist: a local build needs the other components' -devel artifacts`, {
      hint: `compose it: "hacktree root compose ${develRoot}"`,
      data: { root: develRoot },
    });
  }
  const snapshot = await readSnapshot(repo, tip);
  const providers = parseManifest(snapshot.manifest ?? '');
  const keys = { o: 'local', r: buildRoot, b: flavor, v: '0' };
  const without = replaceComponents({ entries: snapshot.entries, providers }, [
    { fileName: formatArtifactName({ name: component, kind: 'runtime', keys }), entries: [] },
    { fileName: formatArtifactName({ name: component, kind: 'devel', keys }), entries: [] },
  ]);
  return writeSnapshot(repo, without.entries);
}

/** AC_INIT([NAME], ...)'s NAME, when configure.ac says it plainly. */
function autoconfPackageName(sourceDir: string): string | undefined {
  for (const file of ['configure.ac', 'configure.in']) {
    if (!existsSync(join(sourceDir, file))) continue;
    const m = /AC_INIT\(\s*\[?([A-Za-z0-9][A-Za-z0-9._+-]*)\]?/.exec(readFileSync(join(sourceDir, file), 'utf8'));
    if (m) return m[1];
  }
  return undefined;
}

/** `git describe --always --dirty`, made safe for an artifact name; "local" outside git. */
function describeVersion(sourceDir: string): string {
  const result = spawnSync('git', ['-C', sourceDir, 'describe', '--always', '--dirty'], { encoding: 'utf8' });
  const described = result.status === 0 ? result.stdout.trim() : '';
  return described === '' ? 'local' : described.replace(/[,=/\s]/g, '_');
}
