import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { recipeVar, type Recipe } from '../../model/recipe/recipe.js';
import { formatLocation, type SrcUri } from '../../model/recipe/srcUri.js';

/**
 * The directories a recipe's file:// sources are looked up in, first hit wins: BitBake's
 * default FILESPATH without overrides, `${BP}/`, `${BPN}/` and `files/` beside the .bb.
 */
export function localFileDirs(recipe: Recipe): string[] {
  const beside = dirname(recipe.file);
  const bpn = recipeVar(recipe, 'BPN') || recipe.name;
  const bp = recipeVar(recipe, 'BP') || `${bpn}-${recipe.version}`;
  return [...new Set([join(beside, bp), join(beside, bpn), join(beside, 'files')])];
}

/**
 * The host path of a file:// source. The path was checked by parseSrcUri (relative, no ".."),
 * so it stays in the directories searched. A miss is SOURCE_NOT_FOUND listing them.
 */
export function findLocalFile(recipe: Recipe, uri: SrcUri): string {
  const dirs = localFileDirs(recipe);
  for (const dir of dirs) {
    const candidate = join(dir, uri.path);
    try {
      const stat = statSync(candidate);
      if (stat.isFile()) return candidate;
      throw new HacktreeError('RECIPE_UNSUPPORTED', `${candidate} (SRC_URI entry ${uri.word} of ${recipe.file}) is not a regular file`, {
        hint: 'file:// sources are single files; pack a directory into a tarball',
        data: { recipe: recipe.file, entry: uri.word, path: candidate },
      });
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT' && errnoOf(err) !== 'ENOTDIR') throw err;
    }
  }
  const where = recipe.origins.get('SRC_URI') ?? { file: recipe.file, line: 0 };
  throw new HacktreeError('SOURCE_NOT_FOUND', `${formatLocation(where)}: ${uri.word}: ${uri.path} is in none of ${dirs.join(', ')}`, {
    hint: `put ${uri.path} in one of those directories beside the recipe`,
    data: { recipe: recipe.file, entry: uri.word, tried: dirs.map((dir) => join(dir, uri.path)) },
  });
}
