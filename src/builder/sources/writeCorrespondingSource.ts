import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { recipeMirrors } from '../../model/recipe/mirrorUrls.js';
import { isPatch } from '../../model/recipe/srcUri.js';
import type { RootComponents } from '../../model/root/rootComponent.js';
import { formatSourceIndex, type SourceIndex, type SourceIndexComponent, type SourceIndexFile } from '../../model/root/sourceIndex.js';
import { writeFileDurably } from '../../platform/fs/writeFileDurably.js';
import { writeNewDirectory } from '../../platform/fs/writeNewDirectory.js';
import { sha256OfFile } from '../../store/artifacts/importArtifact.js';
import { fetchSources } from './fetchSources.js';
import { localFileDirs } from './findLocalFile.js';

export interface WriteCorrespondingSourceOptions {
  /** The root's name as the user gave it, and its components with their recipes (rootComponents with componentRecipeFacts). */
  root: string;
  components: RootComponents;
  /** The workspace whose recipes/ built the root (for site.conf and the recipes' relative paths). */
  workspace: string;
  dir: string;
  sourceCache: string;
  onStep?: (step: string) => void;
}

/**
 * `hacktree root sources NAME DIR`: every source archive, patch and recipe that built the
 * root's components, copied into DIR with DIR/index.json and DIR/SOURCES.md, so a publisher
 * can give the source the GPL asks for. Sources missing from the source cache are fetched; each
 * file is verified by its sha256 after the copy. DIR is written beside itself and renamed into
 * place: it is complete or absent.
 */
export async function writeCorrespondingSource(options: WriteCorrespondingSourceOptions): Promise<SourceIndex> {
  const dest = resolve(options.dir);
  const recipesDir = join(resolve(options.workspace), 'recipes');
  const unknown = options.components.components.filter((component) => component.recipe === null);
  if (unknown.length > 0) {
    throw new HacktreeError('SOURCE_NOT_FOUND', `the source of ${unknown.map((c) => `${c.name} (${c.notes.join('; ')})`).join(', ')} in ${options.root} is not known`, {
      hint: 'run in (or name with -C) the workspace whose recipes built the root, at the recipe versions the root has',
      data: { root: options.root, components: unknown.map((c) => ({ name: c.name, version: c.version, notes: c.notes })) },
    });
  }
  return writeNewDirectory(dest, async (work) => {
    const index: SourceIndex = {
      root: options.root,
      commit: options.components.commit,
      components: [],
      bases: options.components.bases.map((base) => ({ branch: base.branch, commit: base.commit })),
    };
    const downloads = new Map<string, string>();
    const copy = async (from: string, to: string, expected: string): Promise<string> => {
      mkdirSync(dirname(join(work, to)), { recursive: true });
      copyFileSync(from, join(work, to));
      syncFile(join(work, to));
      const sha256 = await sha256OfFile(join(work, to));
      if (sha256 !== expected) {
        throw new HacktreeError('CHECKSUM_MISMATCH', `${from}: sha256 ${sha256}, the recipe expects ${expected}`, {
          hint: 'the file changed since it was verified; fetch it again (remove it from the source cache) and retry',
          data: { file: from, expectedSha256: expected, actualSha256: sha256 },
        });
      }
      return sha256;
    };
    const fileOf = (path: string, kind: SourceIndexFile['kind'], url: string | null, sha256: string): SourceIndexFile => ({ path, kind, url, sha256, size: statSync(join(work, path)).size });
    // A file several components share (an include, site.conf) is copied once and listed for each.
    const recipeFiles = new Map<string, SourceIndexFile>();
    const addRecipeFile = async (file: string, files: SourceIndexFile[]): Promise<string> => {
      const rel = relative(recipesDir, file);
      const path = join('recipes', rel.startsWith('..') ? basename(file) : rel);
      let copied = recipeFiles.get(path);
      if (copied === undefined) {
        copied = fileOf(path, 'recipe', null, await copy(file, path, await sha256OfFile(file)));
        recipeFiles.set(path, copied);
      }
      files.push(copied);
      return path;
    };
    const siteConf = join(recipesDir, 'site.conf');
    for (const component of options.components.components) {
      const facts = component.recipe!;
      const recipe = facts.recipe;
      options.onStep?.(`sources of ${component.name}`);
      const fetched = await fetchSources({ recipe, sourceCache: options.sourceCache, ...recipeMirrors(recipe) });
      const files: SourceIndexFile[] = [];
      for (const [i, source] of fetched.entries()) {
        const declared = facts.sources[i]?.sha256;
        if (declared !== null && declared !== undefined && declared !== source.sha256) {
          throw new HacktreeError('CHECKSUM_MISMATCH', `${source.path}: sha256 ${source.sha256}, the recipe ${recipe.file} says ${declared}`, {
            hint: 'the recipe or its file changed while the sources were written; run the command again',
            data: { file: source.path, expectedSha256: declared, actualSha256: source.sha256 },
          });
        }
        // A file:// source goes where hacktree looks first beside the recipe (recipes/${BP}/).
        const path = source.uri.scheme === 'file' ? join('recipes', basename(localFileDirs(recipe)[0]!), source.uri.path) : downloadPath(downloads, source.uri.fileName, source.sha256);
        downloads.set(path, source.sha256);
        files.push(fileOf(path, isPatch(source.uri) ? 'patch' : 'source', source.uri.url, await copy(source.path, path, source.sha256)));
      }
      const recipePath = await addRecipeFile(recipe.file, files);
      for (const include of recipe.includes) await addRecipeFile(include, files);
      if (existsSync(siteConf)) await addRecipeFile(siteConf, files);
      const entry: SourceIndexComponent = { name: component.name, version: recipe.version, license: facts.license.expression, recipe: recipePath, files };
      index.components.push(entry);
    }
    writeFileDurably(join(work, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
    writeFileDurably(join(work, 'SOURCES.md'), formatSourceIndex(index));
    return { value: index };
  }, { hint: 'name a new directory as DIR (root sources never writes into an existing one)' });
}

/** downloads/FILE, as a flat mirror; a second file of that name with other content goes to downloads/SHA256/FILE. */
function downloadPath(downloads: ReadonlyMap<string, string>, fileName: string, sha256: string): string {
  const flat = join('downloads', fileName);
  return downloads.has(flat) && downloads.get(flat) !== sha256 ? join('downloads', sha256, fileName) : flat;
}

/** DIR is renamed into place only when complete: its files are on disk before it appears. */
function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
