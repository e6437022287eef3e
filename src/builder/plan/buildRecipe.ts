import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArtifactName } from '../../model/artifact/artifactName.js';
import { recipeList, recipeVar } from '../../model/recipe/recipe.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import type { Repository } from '../../store/repository/repository.js';
import { buildAutotools } from '../sandbox/buildAutotools.js';
import { buildRecordPath, writeBuildRecord } from './buildRecord.js';
import { recipeMirrors } from '../../model/recipe/mirrorUrls.js';
import { fetchSources } from '../sources/fetchSources.js';
import { importBuiltArtifacts } from '../pack/importBuiltArtifacts.js';
import { packArtifact } from '../pack/packArtifact.js';
import { withKeptWorkdir } from '../sandbox/withKeptWorkdir.js';
import type { PlannedBuild } from './planBuilds.js';
import { prepareBuildRoot } from '../sandbox/prepareBuildRoot.js';
import { unpackSources } from '../sources/unpackSources.js';
import { isPatch } from '../../model/recipe/srcUri.js';
import type { BuildStepClock } from './buildStepClock.js';
import { checkCrossToolchain, crossBuildFor, type CrossBuild } from '../sandbox/crossBuildFor.js';
import { CROSS_SYSROOT, configureRanTestProgram } from '../../model/root/crossBuild.js';
import { prefixSnapshot } from '../../store/snapshot/prefixSnapshot.js';
import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import type { Oid } from '../../model/git/oid.js';

export interface BuildRecipeOptions {
  repo: Repository;
  artifactsDir: string;
  sourceCache: string;
  /** Artifact paths of every recursive build dependency, already built. */
  dependencyArtifacts: string[];
  jobs: number;
  keepFailed: boolean;
  onStep?: (step: string) => void;
  /** Times each step, for build statistics. */
  steps?: BuildStepClock;
}

/**
 * One recipe, one root, one flavor: fetch and verify the sources, unpack and patch them, check
 * the licenses, build in the sandbox over base + dependencies, split and pack, import into the
 * store, and only then move the two artifacts into artifacts/ (replacing older builds of the
 * same recipe, root and flavor). A failure leaves artifacts/ and the store's refs as they were;
 * the work directory stays only with keepFailed.
 */
export async function buildRecipe(plan: PlannedBuild, options: BuildRecipeOptions): Promise<string[]> {
  const { recipe } = plan;
  const cross = crossBuildFor(plan.arch);
  if (cross !== undefined) {
    // Before anything is fetched: the toolchain base (checked out when it was made) must have the cross compiler.
    const base = await prepareBuildRoot({ repoDir: options.repo.dir, base: plan.baseRef, artifactTrees: [] });
    checkCrossToolchain({ cross, baseDir: base.layers[0]!, baseRef: plan.baseRef, recipe: recipe.name });
  }
  const label = `${recipe.name},r=${plan.root},b=${plan.flavor}`;
  const logFile = buildRecordPath(options.artifactsDir, recipe.name, plan.root, plan.flavor).replace(/\.json$/, '.log');
  mkdirSync(join(options.artifactsDir, '.builds'), { recursive: true });
  rmSync(logFile, { force: true });
  const workdir = mkdtempSync(join(tmpdir(), `hacktree-build-${recipe.name}-`));
  const destdir = mkdtempSync(join(tmpdir(), `hacktree-dest-${recipe.name}-`));
  const staging = mkdtempSync(join(options.artifactsDir, `.staging-${recipe.name}-`));
  let succeeded = false;
  try {
    const { steps } = options;
    options.onStep?.(`${label}: fetch`);
    steps?.begin('fetch');
    const fetched = await fetchSources({ recipe, sourceCache: options.sourceCache, ...recipeMirrors(recipe) });
    options.onStep?.(`${label}: unpack`);
    steps?.begin('unpack');
    const hasPatches = fetched.some((source) => isPatch(source.uri));
    const onUnpacked = async () => (hasPatches ? steps?.begin('patch') : steps?.skip('patch'));
    const { sourceDir } = await unpackSources({ recipe, fetched, workdir, onUnpacked });
    options.onStep?.(`${label}: build root`);
    steps?.begin('buildroot');
    const dependencyTrees = await importBuiltArtifacts(options.repo, options.dependencyArtifacts);
    const artifactTrees = await dependencyLayers(options.repo, dependencyTrees.map((a) => a.tree), cross);
    const buildRoot = await prepareBuildRoot({ repoDir: options.repo.dir, base: plan.baseRef, artifactTrees });
    options.onStep?.(`${label}: build`);
    const sourceDateEpoch = Number(recipeVar(recipe, 'SOURCE_DATE_EPOCH') || '0');
    await crossConfigureRefused(plan, cross, buildAutotools({
      buildRoot,
      workdir,
      sourceSubdir: sourceDir.slice(workdir.length).replace(/^\/+/, ''),
      destdir,
      flavor: plan.flavor,
      extraOeconf: recipeList(recipe, 'EXTRA_OECONF'),
      env: Object.fromEntries([...recipe.exported].map((name) => [name, recipeVar(recipe, name)])),
      jobs: options.jobs,
      logFile,
      sourceDateEpoch,
      arch: plan.arch,
      cross,
      onStep: (step) => steps?.begin(step === 'autoreconf' ? 'configure' : step),
    }));
    options.onStep?.(`${label}: pack`);
    steps?.begin('pack');
    const packed = await packArtifact({
      destdir,
      name: recipe.name,
      version: recipe.version,
      root: plan.root,
      flavor: plan.flavor,
      arch: plan.arch,
      extraKeys: { id: plan.shortId },
      outDir: staging,
      mtime: sourceDateEpoch,
    });
    const files = [packed.runtime, packed.devel];
    await importBuiltArtifacts(options.repo, files.map((f) => f.path));
    const older = olderArtifacts(options.artifactsDir, plan);
    const placed = files.map((f) => {
      const target = join(options.artifactsDir, f.fileName);
      renameSync(f.path, target);
      return target;
    });
    removeArtifacts(options.artifactsDir, older);
    writeBuildRecord(options.artifactsDir, {
      recipe: recipe.name,
      root: plan.root,
      flavor: plan.flavor,
      buildId: plan.buildId,
      inputs: plan.inputs,
      artifacts: files.map((f) => f.fileName),
    });
    succeeded = true;
    return placed;
  } catch (err) {
    throw options.keepFailed ? withKeptWorkdir(err, workdir) : err;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(destdir, { recursive: true, force: true });
    if (succeeded || !options.keepFailed) rmSync(workdir, { recursive: true, force: true });
  }
}

/**
 * The dependencies' trees as build root layers: over the base's own files natively; for a cross
 * build under CROSS_SYSROOT, the target's build root, apart from the host's tools and libraries.
 */
async function dependencyLayers(repo: Repository, trees: Oid[], cross: CrossBuild | undefined): Promise<Oid[]> {
  if (cross === undefined) return trees;
  const layers: Oid[] = [];
  for (const tree of trees) layers.push(await prefixSnapshot(repo, tree, CROSS_SYSROOT.slice(1)));
  return layers;
}

/** A configure that needs to run a program it built, which a cross build cannot: said as such, naming the recipe and the arch. */
async function crossConfigureRefused(plan: PlannedBuild, cross: CrossBuild | undefined, build: Promise<void>): Promise<void> {
  try {
    await build;
  } catch (err) {
    if (cross === undefined || !isHacktreeError(err, 'BUILD_FAILED') || err.data.step !== 'configure') throw err;
    const tail = (err.data.tail as string[] | undefined) ?? [];
    if (!configureRanTestProgram(tail.join('\n'))) throw err;
    throw new HacktreeError('CROSS_COMPILE_UNSUPPORTED', `${plan.recipe.name} cannot be cross-built for ${cross.arch}: its configure runs a test program, which a ${cross.toolchain.triplet} build on this machine cannot run:\n${tail.join('\n')}`, {
      hint: `give configure the answer in the recipe (EXTRA_OECONF += "ac_cv_...=yes", as a cache variable), or leave ${cross.arch} out of the definition's "arches"`,
      data: { recipe: plan.recipe.name, arch: cross.arch, logFile: err.data.logFile, tail },
      cause: err,
    });
  }
}

/** Master artifacts of the same recipe, root and flavor from other builds: the ones a new build replaces. */
export function olderArtifacts(artifactsDir: string, plan: PlannedBuild): string[] {
  return listDirectory(artifactsDir).filter((file) => {
    if (!file.endsWith(',.tar.gz')) return false;
    const { name, keys } = parseArtifactName(file);
    return name === plan.recipe.name && keys.r === plan.root && keys.b === plan.flavor && (keys.o ?? 'master') === 'master' && keys.id !== plan.shortId;
  });
}

export function removeArtifacts(artifactsDir: string, files: readonly string[]): void {
  for (const file of files) rmSync(join(artifactsDir, file), { force: true });
}
