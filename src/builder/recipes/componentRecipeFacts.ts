import { join } from 'node:path';
import { isHacktreeError } from '../../errors/HacktreeError.js';
import { shortBuildId } from '../../model/artifact/buildInputs.js';
import { recipeDependencies } from '../../model/recipe/recipeGraph.js';
import { recipeVar, type Recipe } from '../../model/recipe/recipe.js';
import { recipeLicense } from '../../model/recipe/recipeLicense.js';
import type { RecipeSet } from '../../model/recipe/recipeSet.js';
import { checksumFlag, isPatch, parseRecipeSrcUris } from '../../model/recipe/srcUri.js';
import type { ComponentFacts, ComponentFactsLookup, ComponentKey, ComponentRecipe, ComponentSource } from '../../model/root/rootComponent.js';
import { sha256OfFile } from '../../store/artifacts/importArtifact.js';
import { readBuildRecord } from '../plan/buildRecord.js';
import { findLocalFile } from '../sources/findLocalFile.js';

/**
 * What a workspace knows about a root's master components: the recipe of the same name and
 * version (its license, sources with their sha256, patches, dependencies) and the build record
 * of the build that made the artifacts. A recipe missing, or of another version, is a note, not
 * an error: the root still has the component. An invalid LICENSE is LICENSE_INVALID.
 */
export function componentRecipeFacts(set: RecipeSet): ComponentFactsLookup {
  const artifactsDir = join(set.workspace, 'artifacts');
  return async (component: ComponentKey): Promise<ComponentFacts> => {
    const notes: string[] = [];
    const build = buildOf(artifactsDir, component);
    const recipe = set.recipes.get(component.name);
    if (recipe === undefined) {
      notes.push(`no recipe ${component.name} in ${set.workspace}/recipes`);
      return { recipe: null, ...build, notes };
    }
    if (component.version !== null && recipe.version !== component.version) {
      notes.push(`the workspace's recipe ${component.name} is version ${recipe.version} (${recipe.file}), the root has ${component.version}`);
      return { recipe: null, ...build, notes };
    }
    return { recipe: await componentRecipe(recipe), ...build, notes };
  };
}

export async function componentRecipe(recipe: Recipe): Promise<ComponentRecipe> {
  const license = recipeLicense(recipe);
  const flags = recipe.flags.get('SRC_URI');
  const sources: ComponentSource[] = [];
  for (const uri of parseRecipeSrcUris(recipe)) {
    const patch = isPatch(uri);
    if (uri.scheme !== 'file') {
      sources.push({ url: uri.url, fileName: uri.fileName, sha256: flags?.get(checksumFlag(uri)) ?? null, localPath: null, patch });
      continue;
    }
    const localPath = findLocalPath(recipe, uri);
    sources.push({ url: uri.url, fileName: uri.fileName, sha256: localPath === null ? null : await sha256OfFile(localPath), localPath, patch });
  }
  return {
    file: recipe.file,
    recipe,
    license,
    summary: recipeVar(recipe, 'SUMMARY'),
    homepage: recipeVar(recipe, 'HOMEPAGE'),
    sources,
    depends: recipeDependencies(recipe, 'build').map((d) => d.name),
    rdepends: recipeDependencies(recipe, 'runtime').map((d) => d.name),
  };
}

/** A file:// source that is gone from the workspace is unknown, not an error: the root was built before. */
function findLocalPath(recipe: Recipe, uri: Parameters<typeof findLocalFile>[1]): string | null {
  try {
    return findLocalFile(recipe, uri);
  } catch (err) {
    if (isHacktreeError(err, 'SOURCE_NOT_FOUND')) return null;
    throw err;
  }
}

/** The build record counts only when it is of the build that made these artifacts (its id is their id=). */
function buildOf(artifactsDir: string, component: ComponentKey): Pick<ComponentFacts, 'buildId' | 'buildInputs'> {
  const fallback = { buildId: component.shortBuildId, buildInputs: null };
  if (component.root === null || component.flavor === null || component.shortBuildId === null) return fallback;
  const record = readBuildRecord(artifactsDir, component.name, component.root, component.flavor);
  if (record === undefined || shortBuildId(record.buildId) !== component.shortBuildId) return fallback;
  return { buildId: record.buildId, buildInputs: record.inputs };
}
