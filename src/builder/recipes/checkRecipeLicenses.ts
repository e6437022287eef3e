import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import type { Recipe } from '../../model/recipe/recipe.js';
import { recipeLicense, type RecipeLicense } from '../../model/recipe/recipeLicense.js';

/**
 * Every recipe's LICENSE as an SPDX expression, checked before anything is fetched or built, so
 * a bad LICENSE fails the command with nothing written. Old names give warnings, once per recipe
 * (the caller prints them); invalid ones are one LICENSE_INVALID naming each file:line.
 */
export function checkRecipeLicenses(recipes: Iterable<Recipe>, onWarning?: (warning: string) => void): Map<string, RecipeLicense> {
  const licenses = new Map<string, RecipeLicense>();
  const invalid: HacktreeError[] = [];
  for (const recipe of recipes) {
    if (licenses.has(recipe.name)) continue;
    try {
      licenses.set(recipe.name, recipeLicense(recipe));
    } catch (err) {
      if (!isHacktreeError(err, 'LICENSE_INVALID')) throw err;
      invalid.push(err);
    }
  }
  if (invalid.length === 1) throw invalid[0]!;
  if (invalid.length > 1) {
    throw new HacktreeError('LICENSE_INVALID', `${invalid.length} recipes have no valid LICENSE: ${invalid.map((err) => err.message).join('; ')}`, {
      hint: invalid[0]!.hint,
      data: { recipes: invalid.map((err) => err.data) },
    });
  }
  for (const license of licenses.values()) for (const warning of license.warnings) onWarning?.(warning);
  return licenses;
}
