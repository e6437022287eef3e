import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { parseLocalSourcesRecord } from '../../model/artifact/localSourcesRecord.js';
import { SOURCE_RECIPE_KEY } from '../../model/artifact/developerTree.js';
import { flavorFlags } from '../../model/artifact/flavorFlags.js';
import type { Oid } from '../../model/git/oid.js';
import { buildRootOf, parseRootName, type Flavor } from '../../model/root/rootName.js';
import { ARCHES, canonicalArch, type Arch } from '../../model/root/arch.js';
import { buildAutotools } from '../sandbox/buildAutotools.js';
import { packArtifact } from '../pack/packArtifact.js';
import { withKeptWorkdir } from '../sandbox/withKeptWorkdir.js';
import { syncSourceTree } from './syncSourceTree.js';
import { prepareLocalBuildRoot, type LocalBuildRoot, type LocalBuildRootOptions } from './prepareLocalBuildRoot.js';

export interface BuildLocalOptions {
  repoDir: string;
  /** The autotools source tree (the current directory for `hacktree make`). */
  sourceDir: string;
  /** The root to build against and install into, VERSION-KIND-FLAVOR-ARCH ($HACKTREE_ROOT). */
  root: string;
  /** Default: the root's flavor; the other one builds this component so among the root's own (b= says which). */
  flavor?: Flavor;
  /** The component; default the recipe of a `hacktree source` tree, else the package's tarname, else the directory's name. */
  name?: string;
  /** Base toolchain root without arch (branch base/BASE-ARCH); default debian-bookworm. */
  base?: string;
  /** Where the artifacts, the build log and the kept work directory (work/ROOT-FLAVOR) go. */
  outDir: string;
  jobs: number;
  onStep?: (step: string) => void;
  /**
   * Who prepares the build root (it writes into the repository): by default this process
   * (prepareLocalBuildRoot); for a developer who is not root, the daemon.
   */
  prepareBuildRoot?: (request: LocalBuildRootOptions) => Promise<LocalBuildRoot>;
}

export interface BuiltLocalArtifact {
  name: string;
  version: string;
  flavor: Flavor;
  root: string;
  artifacts: string[];
  /** The artifacts the root takes: the -runtime one, and the -devel one for a devel root. */
  installable: string[];
  logFile: string;
  /** The build tree kept for the next run, configured: OUT/work/ROOT-FLAVOR. */
  workdir: string;
  /** True when this run found the tree configured with the same inputs and only ran make. */
  configured: boolean;
}

/**
 * `hacktree make`: builds the source tree in the current directory in the same sandbox as a
 * recipe, over the base toolchain root plus the root's devel root (same version, flavor and
 * arch) without this component (its other components' runtime and devel artifacts), with the
 * flags of the flavor asked for, and packs the result as origin `local`, version `git describe
 * --always --dirty`. The configured build tree is kept in OUT/work/ROOT-FLAVOR: the next run
 * copies only what changed into it and runs make alone, unless the configure inputs changed
 * (configureInputs). Installing is the caller's (root install-local).
 */
export async function buildLocalArtifact(options: BuildLocalOptions): Promise<BuiltLocalArtifact> {
  const root = parseRootName(options.root);
  // Another flavor than the root's is the point of `make debug` in an opt root: this component
  // -O0, the others as the root has them. It builds against the root's own components.
  const flavor = options.flavor ?? root.flavor;
  const sourceDir = resolve(options.sourceDir);
  if (!existsSync(join(sourceDir, 'configure.ac')) && !existsSync(join(sourceDir, 'configure'))) {
    throw new HacktreeError('SOURCE_NOT_FOUND', `${sourceDir} is not an autotools source tree (no configure.ac or configure)`, {
      hint: 'run "hacktree make" in the top directory of the component\'s source tree',
      data: { sourceDir },
    });
  }
  const name = options.name ?? recipeOfSourceTree(sourceDir) ?? autoconfPackageName(sourceDir) ?? basename(sourceDir);
  const arch = rootArch(options.root, root.arch);
  const version = describeVersion(sourceDir);
  const outDir = resolve(options.outDir);
  const workdir = join(outDir, 'work', `${options.root}-${flavor}`);
  mkdirSync(workdir, { recursive: true });
  const logFile = join(outDir, `${name}-${flavor}.log`);
  writeFileSync(logFile, '');
  const destdir = mkdtempSync(join(tmpdir(), `hacktree-dest-${name}-`));
  try {
    options.onStep?.(`${name}: build root`);
    const prepared = await (options.prepareBuildRoot ?? prepareLocalBuildRoot)({ repoDir: options.repoDir, root: options.root, component: name, base: options.base });
    // The stack is mounted in the sandbox's own mount namespace, so a directory of the caller's serves.
    const buildRoot = { ...prepared, mountPoint: join(outDir, 'work', OVERLAY_MOUNT_POINT) };
    mkdirSync(buildRoot.mountPoint, { recursive: true });
    const configureKey = configureInputs(sourceDir, buildRoot.treeId, flavor);
    const stamp = join(workdir, CONFIGURED_STAMP);
    const sourcesRecord = join(workdir, SOURCES_RECORD);
    // Without a sound record of what the last sync copied, the copy cannot be brought up to
    // date (what the source no longer has would stay): it is made afresh, as for a new build.
    const previous = parseLocalSourcesRecord(readIfExists(sourcesRecord) ?? '[]');
    const configured = previous !== null && readIfExists(stamp) === configureKey && existsSync(join(workdir, 'src/Makefile'));
    if (!configured) rmSync(workdir, { recursive: true, force: true });
    options.onStep?.(`${name}: ${configured ? 'sync' : 'copy'} ${sourceDir}`);
    const synced = syncSourceTree(sourceDir, join(workdir, 'src'), {
      exclude: new Set([outDir]),
      previous: configured ? previous : [],
    });
    writeFileSync(sourcesRecord, JSON.stringify(synced.paths));
    options.onStep?.(`${name}: ${configured ? 'make (configured before)' : 'configure and make'} (log: ${logFile})`);
    await buildAutotools({
      buildRoot, workdir, sourceSubdir: 'src', destdir, flavor, extraOeconf: [], jobs: options.jobs, logFile, sourceDateEpoch: 0,
      configured,
      arch,
      onConfigured: () => writeFileSync(stamp, configureKey),
    });
    options.onStep?.(`${name}: pack`);
    // Unprivileged, the sandbox's root is this user: what it installed as root is owned by root.
    const rootOwner = process.getuid?.() === 0 ? undefined : { uid: process.getuid!(), gid: process.getgid!() };
    const packed = await packArtifact({ destdir, name, version, root: buildRootOf(root), flavor, origin: 'local', arch, outDir, mtime: 0, rootOwner });
    const installable = root.kind === 'devel' ? [packed.runtime.path, packed.devel.path] : [packed.runtime.path];
    return { name, version, flavor, root: options.root, artifacts: [packed.runtime.path, packed.devel.path], installable, logFile, workdir, configured };
  } catch (err) {
    throw withKeptWorkdir(err, workdir, 'for the next run; remove it to build from scratch');
  } finally {
    rmSync(destdir, { recursive: true, force: true });
  }
}

/** The canonical arch a root name carries, or a clear refusal of one hacktree does not know. */
function rootArch(rootName: string, arch: string): Arch {
  const canonical = canonicalArch(arch);
  if (canonical !== arch) {
    throw new HacktreeError('ROOT_NAME_INVALID', `root ${rootName}: ${canonical === undefined ? `"${arch}" is not an architecture hacktree knows (${ARCHES.join(', ')})` : `root names carry ${canonical}, not ${arch}`}`, {
      hint: `name the root as "hacktree root list" shows it, e.g. ${rootName.slice(0, -arch.length)}${canonical ?? 'x86_64'}`,
      data: { root: rootName, arch },
    });
  }
  return canonical;
}

/** In the work directory: the configure inputs it was configured with, and the source paths the last sync copied. */
const CONFIGURED_STAMP = '.hacktree-configured';
const SOURCES_RECORD = '.hacktree-sources.json';
/** In OUT/work: where the sandbox mounts its stack of layers. */
const OVERLAY_MOUNT_POINT = '.overlay';

/**
 * What decides whether the kept build tree's configuration still holds: the build root (the
 * base and every other component), the flavor's flags, and the configure script's inputs. Any
 * change configures again from a fresh copy; anything else is make's to decide.
 */
function configureInputs(sourceDir: string, buildRootTree: Oid, flavor: Flavor): string {
  const hash = createHash('sha256').update(`${buildRootTree}\n${flavorFlags(flavor)}\n`);
  for (const file of ['configure.ac', 'configure.in', 'configure', 'aclocal.m4']) hash.update(`${file}\n`).update(readIfExists(join(sourceDir, file)) ?? '\0');
  return hash.digest('hex');
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** The recipe a `hacktree source` tree came from (its git config says). */
function recipeOfSourceTree(sourceDir: string): string | undefined {
  const result = spawnSync('git', ['-C', sourceDir, 'config', '--get', SOURCE_RECIPE_KEY], { encoding: 'utf8' });
  const recipe = result.status === 0 ? result.stdout.trim() : '';
  return /^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(recipe) ? recipe : undefined;
}

/**
 * The package's tarname, as autoconf makes it: PACKAGE_TARNAME in a generated configure, else
 * AC_INIT's fourth argument, else its first with "GNU " dropped, lower case, and every other
 * character than a letter, digit or _ made a - ("GNU Hello" is hello).
 */
function autoconfPackageName(sourceDir: string): string | undefined {
  const fromConfigure = /^PACKAGE_TARNAME='([A-Za-z0-9][A-Za-z0-9._+-]*)'$/m.exec(readIfExists(join(sourceDir, 'configure')) ?? '');
  if (fromConfigure) return fromConfigure[1];
  for (const file of ['configure.ac', 'configure.in']) {
    const args = /AC_INIT\(([^)]*)\)/.exec(readIfExists(join(sourceDir, file)) ?? '')?.[1]?.split(',').map((a) => a.trim().replace(/^\[|\]$/g, '').trim());
    if (args === undefined) continue;
    const tarname = args[3] !== undefined && args[3] !== '' ? args[3] : args[0]!.replace(/^GNU /, '').toLowerCase().replace(/[^a-z0-9_]/g, '-');
    if (/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(tarname)) return tarname;
  }
  return undefined;
}

/** `git describe --always --dirty`, made safe for an artifact name; "local" outside git. */
function describeVersion(sourceDir: string): string {
  const result = spawnSync('git', ['-C', sourceDir, 'describe', '--always', '--dirty'], { encoding: 'utf8' });
  const described = result.status === 0 ? result.stdout.trim() : '';
  return described === '' ? 'local' : described.replace(/[,=/\s]/g, '_');
}
