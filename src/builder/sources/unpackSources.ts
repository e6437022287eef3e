import { join, relative } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { recipeVar, type Recipe } from '../../model/recipe/recipe.js';
import { formatLocation, isPatch } from '../../model/recipe/srcUri.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import { applyPatch } from './applyPatch.js';
import { dirInside } from '../../platform/fs/dirInside.js';
import { isDirectory } from '../../platform/fs/isDirectory.js';
import type { FetchedSource } from './fetchSources.js';
import { sandboxHostPath, sandboxWorkdir } from './sandboxHostPath.js';
import { unpackSource } from './unpackSource.js';
import { verifyLicenseChecksums } from './verifyLicenseChecksums.js';

export interface UnpackSourcesOptions {
  recipe: Recipe;
  /** What fetchSources returned, in SRC_URI order. */
  fetched: readonly FetchedSource[];
  /** The host directory that is WORKDIR (/build) in the sandbox. */
  workdir: string;
  /** Called once every source is unpacked and S exists, before the first patch. */
  onUnpacked?: (sourceDir: string) => Promise<void>;
  /** Called after each patch is applied, with the patch's text as applied (decompressed). */
  onPatched?: (patch: FetchedSource, text: Buffer) => Promise<void>;
}

/**
 * Prepares a recipe's source tree in `workdir`: every source unpacked in SRC_URI order (into
 * WORKDIR, or WORKDIR/subdir= ), then the patches applied in SRC_URI order in S (or
 * S/patchdir=), then LIC_FILES_CHKSUM verified. Returns the host path of S. The hooks let
 * `hacktree source` record each stage of this same preparation (a git commit per patch).
 */
export async function unpackSources(options: UnpackSourcesOptions): Promise<{ sourceDir: string }> {
  const { recipe, fetched, workdir } = options;
  const sourceDir = sandboxHostPath(recipe, workdir, recipeVar(recipe, 'S') || `${sandboxWorkdir(recipe)}/${recipeVar(recipe, 'BP')}`, 'S');
  for (const source of fetched) await unpackSource(source, workdir);
  if (!isDirectory(sourceDir)) throw missingSourceDir(recipe, workdir, sourceDir);
  await options.onUnpacked?.(sourceDir);
  for (const source of fetched.filter((each) => isPatch(each.uri))) {
    const patchDir = join(sourceDir, source.uri.params.patchdir ?? '');
    // A patch dir that is missing is the patch's error (applyPatch says so); one reached through a symlink is refused.
    if (isDirectory(patchDir)) dirInside(workdir, relative(workdir, patchDir), { create: false });
    const text = await applyPatch(source, patchDir);
    await options.onPatched?.(source, text);
  }
  verifyLicenseChecksums(recipe, workdir);
  return { sourceDir };
}

function missingSourceDir(recipe: Recipe, workdir: string, sourceDir: string): HacktreeError {
  const where = formatLocation(recipe.origins.get('S') ?? recipe.origins.get('SRC_URI') ?? { file: recipe.file, line: 0 });
  const made = listDirectory(workdir).sort();
  return new HacktreeError('RECIPE_INVALID', `${where}: S = ${recipeVar(recipe, 'S')} does not exist after unpacking; the work directory holds ${made.length === 0 ? 'nothing' : made.join(', ')}`, {
    hint: 'set S = "${WORKDIR}/<the directory the tarball unpacks to>" in the recipe',
    data: { recipe: recipe.file, sourceDir, workdirEntries: made },
  });
}
