/**
 * The git config key a `hacktree source` tree carries: the recipe it came from, so `hacktree
 * make` there builds that component whatever AC_INIT calls the package.
 */
export const SOURCE_RECIPE_KEY = 'hacktree.recipe';

/** Where `hacktree make` writes its artifacts, build log and kept build tree, in the source tree. */
export const DEFAULT_MAKE_OUT = 'hacktree-out';
