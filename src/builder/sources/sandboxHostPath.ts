import { posix } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { recipeVar, type Recipe } from '../../model/recipe/recipe.js';
import { formatLocation } from '../../model/recipe/srcUri.js';

/** The work directory as the sandbox sees it: the recipe's WORKDIR, `/build` by default. */
export function sandboxWorkdir(recipe: Recipe): string {
  return posix.normalize(recipeVar(recipe, 'WORKDIR') || '/build').replace(/\/$/, '') || '/';
}

/**
 * The host path of a path inside the sandbox's work directory (`/build/hello-2.12` with
 * `workdir` the host directory mounted at /build). A path outside it is RECIPE_INVALID naming
 * the variable it came from.
 */
export function sandboxHostPath(recipe: Recipe, workdir: string, sandboxPath: string, variable: string): string {
  const top = sandboxWorkdir(recipe);
  const normal = posix.normalize(sandboxPath);
  const inside = normal === top || normal.startsWith(`${top}/`);
  if (!posix.isAbsolute(normal) || !inside) {
    const where = formatLocation(recipe.origins.get(variable) ?? { file: recipe.file, line: 0 });
    throw new HacktreeError('RECIPE_INVALID', `${where}: ${variable} = ${JSON.stringify(sandboxPath)} is not inside the work directory ${top}`, {
      hint: `${variable} must name a directory under ${top} (e.g. \${WORKDIR}/\${BP})`,
      data: { recipe: recipe.file, variable, value: sandboxPath, workdir: top },
    });
  }
  return posix.join(workdir, normal.slice(top.length));
}
