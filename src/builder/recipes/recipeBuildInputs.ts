import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { BuildInput } from '../../model/artifact/buildInputs.js';
import { recipeVar, type Recipe } from '../../model/recipe/recipe.js';
import { checksumFlag, parseRecipeSrcUris } from '../../model/recipe/srcUri.js';
import { sha256OfFile } from '../../store/artifacts/importArtifact.js';
import { BUILD_RULES_VERSION, BUILD_VARIABLES } from './buildRules.js';
import { findLocalFile } from '../sources/findLocalFile.js';
import { sha256Of } from '../../model/recipe/sha256Of.js';

/**
 * The inputs of one recipe's build that the recipe itself decides: its files, its local
 * sources and patches (by content), its remote sources (by their declared sha256), the
 * variables the build reads, and hacktree's rules. The caller adds flavor, root, base and
 * dependencies (planBuilds).
 */
export async function recipeBuildInputs(recipe: Recipe, workspace: string): Promise<BuildInput[]> {
  const inputs: BuildInput[] = [{ kind: 'rules', name: 'hacktree', digest: BUILD_RULES_VERSION }];
  inputs.push({ kind: 'recipe', name: relative(workspace, recipe.file), digest: sha256Of(readFileSync(recipe.file)) });
  for (const file of recipe.includes) inputs.push({ kind: 'include', name: relative(workspace, file), digest: sha256Of(readFileSync(file)) });
  for (const name of [...BUILD_VARIABLES, ...[...recipe.exported].sort()]) {
    inputs.push({ kind: 'variable', name, digest: sha256Of(recipeVar(recipe, name)) });
  }
  const flags = recipe.flags.get('SRC_URI');
  for (const uri of parseRecipeSrcUris(recipe)) {
    if (uri.scheme === 'file') {
      inputs.push({ kind: 'local-source', name: uri.path, digest: await sha256OfFile(findLocalFile(recipe, uri)) });
    } else {
      inputs.push({ kind: 'remote-source', name: uri.url, digest: flags?.get(checksumFlag(uri)) ?? '' });
    }
  }
  return inputs;
}
