import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_MAKE_OUT, SOURCE_RECIPE_KEY } from '../../model/artifact/developerTree.js';
import { recipeMirrors } from '../../model/recipe/mirrorUrls.js';
import { patchCommitMessage } from '../../model/recipe/patchCommitMessage.js';
import { requireRecipe } from '../../model/recipe/recipeGraph.js';
import { isPatch } from '../../model/recipe/srcUri.js';
import { fetchSources } from '../sources/fetchSources.js';
import { loadRecipeSet } from '../recipes/loadRecipeSet.js';
import { runSourceTreeGit } from './runSourceTreeGit.js';
import { unpackSources } from '../sources/unpackSources.js';
import { writeNewDirectory } from '../../platform/fs/writeNewDirectory.js';

/** The tag on the last commit hacktree makes: the source exactly as the recipe builds it. */
export const RECIPE_TAG = 'hacktree-recipe';

export interface CreateSourceWorkTreeOptions {
  /** The workspace (a folder with recipes/). */
  workspace: string;
  /** The recipe's PN. */
  recipe: string;
  /** Where the work tree goes (relative to the current directory); default ./PN. */
  dir?: string;
  sourceCache: string;
  onStep?: (step: string) => void;
}

export interface SourceCommit {
  commit: string;
  /** The commit message's first line. */
  subject: string;
  /** The patch file this commit applied; absent for the pristine commit. */
  patch?: string;
}

export interface SourceWorkTree {
  recipe: string;
  version: string;
  /** Absolute path of the new work tree. */
  dir: string;
  /** Oldest first: the pristine unpacked source, then one per patch in SRC_URI order. */
  commits: SourceCommit[];
  tag: string;
}

/**
 * `hacktree source RECIPE [DIR]`, after BitBake's `devtool modify`: the recipe's sources
 * fetched, unpacked and patched exactly as a build does it (fetchSources, unpackSources), with
 * S made a new git repository along the way: one commit of the pristine unpacked tree, one per
 * patch in SRC_URI order, and the tag hacktree-recipe on the last. Everything unpacked is
 * committed, files upstream's .gitignore names too, so the tree starts clean. The work is done
 * in a hidden directory beside DIR and renamed into place at the end: a failure (an unknown
 * recipe, a download, a patch, a license checksum) leaves nothing behind, and DIR is either
 * absent or complete.
 */
export async function createSourceWorkTree(options: CreateSourceWorkTreeOptions): Promise<SourceWorkTree> {
  const set = await loadRecipeSet(resolve(options.workspace));
  const recipe = requireRecipe(set, options.recipe);
  const dest = resolve(options.dir ?? recipe.name);
  return writeNewDirectory(dest, async (workdir) => {
    options.onStep?.(`${recipe.name}: fetch`);
    const fetched = await fetchSources({ recipe, sourceCache: options.sourceCache, ...recipeMirrors(recipe) });
    const commits: SourceCommit[] = [];
    const commit = async (sourceDir: string, message: string, patch?: string): Promise<void> => {
      await runSourceTreeGit(sourceDir, ['add', '--all', '--force', '.']);
      await runSourceTreeGit(sourceDir, ['commit', '--quiet', '--allow-empty', '--no-verify', '--cleanup=verbatim', '-m', message]);
      const id = (await runSourceTreeGit(sourceDir, ['rev-parse', 'HEAD'])).trim();
      commits.push({ commit: id, subject: message.split('\n')[0]!, ...(patch === undefined ? {} : { patch }) });
    };
    options.onStep?.(`${recipe.name}: unpack and patch`);
    let sourceDir = '';
    const unpacked = await unpackSources({
      recipe,
      fetched,
      workdir,
      onUnpacked: async (dir) => {
        sourceDir = dir;
        await runSourceTreeGit(dir, ['init', '--quiet']);
        // `hacktree make` in this tree builds the recipe's component, whatever AC_INIT calls
        // the package; its output directory is not part of the source.
        await runSourceTreeGit(dir, ['config', SOURCE_RECIPE_KEY, recipe.name]);
        appendFileSync(join(dir, '.git/info/exclude'), `/${DEFAULT_MAKE_OUT}/\n`);
        await commit(dir, pristineMessage(recipe.name, recipe.version, fetched.filter((source) => !isPatch(source.uri))));
      },
      onPatched: (patch, text) => commit(sourceDir, patchCommitMessage(patch.uri.fileName, text.toString('utf8')), patch.uri.fileName),
    });
    await runSourceTreeGit(unpacked.sourceDir, ['tag', RECIPE_TAG]);
    return { value: { recipe: recipe.name, version: recipe.version, dir: dest, commits, tag: RECIPE_TAG }, tree: unpacked.sourceDir };
  }, { hint: 'name a new directory as DIR, or remove the old work tree first (hacktree source never writes into an existing tree)', label: 'hacktree-source' });
}

function pristineMessage(name: string, version: string, sources: ReadonlyArray<{ uri: { word: string }; sha256: string }>): string {
  const listed = sources.map((source) => `  ${source.uri.word} sha256:${source.sha256}`);
  return [`hacktree source: ${name} ${version} as unpacked from SRC_URI`, ...(listed.length > 0 ? ['', ...listed] : [])].join('\n');
}
