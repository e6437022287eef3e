import { appendFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { DEFAULT_MAKE_OUT, SOURCE_RECIPE_KEY } from '../../model/artifact/developerTree.js';
import { recipeMirrors } from '../../model/recipe/mirrorUrls.js';
import { patchCommitMessage } from '../../model/recipe/patchCommitMessage.js';
import { requireRecipe } from '../../model/recipe/recipeGraph.js';
import { isPatch } from '../../model/recipe/srcUri.js';
import { fetchSources } from '../sources/fetchSources.js';
import { loadRecipeSet } from '../recipes/loadRecipeSet.js';
import { runSourceTreeGit } from './runSourceTreeGit.js';
import { unpackSources } from '../sources/unpackSources.js';

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
  const destIsEmptyDir = checkDestination(dest);
  options.onStep?.(`${recipe.name}: fetch`);
  const fetched = await fetchSources({ recipe, sourceCache: options.sourceCache, ...recipeMirrors(recipe) });
  const { workdir, madeParent } = makeWorkdir(dest);
  let placed = false;
  try {
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
    placeTree(unpacked.sourceDir, dest, destIsEmptyDir);
    placed = true;
    return { recipe: recipe.name, version: recipe.version, dir: dest, commits, tag: RECIPE_TAG };
  } finally {
    rmSync(workdir, { recursive: true, force: true });
    if (!placed && madeParent !== undefined) rmSync(madeParent, { recursive: true, force: true });
  }
}

function pristineMessage(name: string, version: string, sources: ReadonlyArray<{ uri: { word: string }; sha256: string }>): string {
  const listed = sources.map((source) => `  ${source.uri.word} sha256:${source.sha256}`);
  return [`hacktree source: ${name} ${version} as unpacked from SRC_URI`, ...(listed.length > 0 ? ['', ...listed] : [])].join('\n');
}

/** Whether DIR is an empty directory (true) or absent (false); anything else is DEST_NOT_EMPTY. */
function checkDestination(dest: string): boolean {
  let stat;
  try {
    stat = lstatSync(dest);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return false;
    if (errnoOf(err) !== 'ENOTDIR') throw err;
    throw new HacktreeError('PATH_OCCUPIED', `${dest} cannot be made: a directory above it is a file`, {
      hint: 'name another DIR',
      data: { dest },
    });
  }
  if (stat.isDirectory() && readdirSync(dest).length === 0) return true;
  throw destNotEmpty(dest);
}

/** The hidden directory beside DIR the work is done in (one filesystem, so DIR comes by rename), and the first parent it had to make. */
function makeWorkdir(dest: string): { workdir: string; madeParent: string | undefined } {
  let madeParent: string | undefined;
  try {
    madeParent = mkdirSync(dirname(dest), { recursive: true });
    return { workdir: mkdtempSync(join(dirname(dest), `.${basename(dest)}.hacktree-source-`)), madeParent };
  } catch (err) {
    if (madeParent !== undefined) rmSync(madeParent, { recursive: true, force: true });
    const errno = errnoOf(err);
    if (errno !== 'EACCES' && errno !== 'EPERM' && errno !== 'EROFS') throw err;
    throw new HacktreeError('NOT_PERMITTED', `cannot create ${dest}: ${errno} in ${dirname(dest)}`, {
      hint: 'name a DIR in a directory you can write to',
      data: { dest, errno },
    });
  }
}

/**
 * Renames the finished tree to DIR. Someone may have filled DIR meanwhile: the rename then
 * refuses (DEST_NOT_EMPTY) and their files stay; an empty DIR that was replaced comes back.
 */
function placeTree(tree: string, dest: string, destIsEmptyDir: boolean): void {
  if (destIsEmptyDir) rmdirSync(dest);
  try {
    renameSync(tree, dest);
  } catch (err) {
    if (destIsEmptyDir) mkdirSync(dest, { recursive: true });
    if (errnoOf(err) === 'ENOTEMPTY' || errnoOf(err) === 'EEXIST') throw destNotEmpty(dest);
    throw err;
  }
}

function destNotEmpty(dest: string): HacktreeError {
  return new HacktreeError('DEST_NOT_EMPTY', `${dest} already exists and is not an empty directory`, {
    hint: 'name a new directory as DIR, or remove the old work tree first (hacktree source never writes into an existing tree)',
    data: { dest },
  });
}
