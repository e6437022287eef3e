import { HacktreeError } from '../../errors/HacktreeError.js';
import { recipeList, type Recipe, type SourceLocation } from './recipe.js';

export type SrcUriScheme = 'https' | 'http' | 'file';

/** One SRC_URI word, `scheme://rest;k=v;k=v`, parsed and checked. */
export interface SrcUri {
  /** The word as the recipe wrote it. */
  word: string;
  scheme: SrcUriScheme;
  /** `scheme://rest` without the parameters: what is downloaded, or the file:// name. */
  url: string;
  /** http(s): the URL's path (`/gnu/hello/hello-2.12.tar.gz`); file: the relative path (`fix.patch`, `dir/a.c`). */
  path: string;
  params: Readonly<Record<string, string>>;
  /** The `name=` parameter: its checksum is `SRC_URI[NAME.sha256sum]`. */
  name: string | undefined;
  /** The file's name in the source cache and the work directory: `downloadfilename=`, else the path's basename. */
  fileName: string;
}

/** The parameters hacktree understands; anything else is a recipe error rather than silently ignored. */
export const SRC_URI_PARAMS = ['name', 'subdir', 'striplevel', 'apply', 'patchdir', 'unpack', 'downloadfilename'] as const;

const TRUE_WORDS = new Set(['1', 'y', 'yes', 't', 'true', 'on']);
const FALSE_WORDS = new Set(['0', 'n', 'no', 'f', 'false', 'off']);
/** BitBake's oe.patch: a patch may be compressed with one of these and is still a patch. */
const PATCH_COMPRESSIONS = ['.gz', '.bz2', '.xz', '.Z'];

/** Every SRC_URI word of a recipe, parsed; errors name the recipe file:line of SRC_URI. */
export function parseRecipeSrcUris(recipe: Recipe): SrcUri[] {
  const where = recipe.origins.get('SRC_URI') ?? { file: recipe.file, line: 0 };
  return recipeList(recipe, 'SRC_URI').map((word) => parseSrcUri(word, where));
}

export function parseSrcUri(word: string, where: SourceLocation): SrcUri {
  const fail = (why: string, hint: string): HacktreeError =>
    new HacktreeError('RECIPE_INVALID', `${formatLocation(where)}: SRC_URI entry ${JSON.stringify(word)} ${why}`, {
      hint,
      data: { file: where.file, line: where.line, entry: word },
    });
  const [url = '', ...paramWords] = word.split(';');
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/.exec(url);
  if (!schemeMatch) throw fail('is not a URL (scheme://...)', 'write https://host/path, http://host/path or file://relative/path');
  const scheme = schemeMatch[1]!.toLowerCase();
  const rest = schemeMatch[2]!;
  if (scheme !== 'https' && scheme !== 'http' && scheme !== 'file') {
    throw new HacktreeError('RECIPE_UNSUPPORTED', `${formatLocation(where)}: SRC_URI entry ${JSON.stringify(word)} uses ${scheme}://, which hacktree does not fetch`, {
      hint: 'use an https://, http:// or file:// source (a release tarball rather than a repository)',
      data: { file: where.file, line: where.line, entry: word, scheme },
    });
  }
  const params = parseParams(paramWords, fail);
  const path = scheme === 'file' ? checkLocalPath(rest, fail) : remotePath(rest, fail);
  const fileName = params.downloadfilename ?? path.slice(path.lastIndexOf('/') + 1);
  if (fileName === '') throw fail('names no file', 'add ;downloadfilename=NAME or name the file in the URL');
  return { word, scheme, url, path, params, name: params.name, fileName };
}

function parseParams(words: string[], fail: (why: string, hint: string) => HacktreeError): Record<string, string> {
  const params: Record<string, string> = {};
  for (const param of words) {
    if (param === '') continue;
    const eq = param.indexOf('=');
    if (eq <= 0) throw fail(`has a parameter ${JSON.stringify(param)} without a value`, 'parameters are ;key=value');
    const key = param.slice(0, eq);
    const value = param.slice(eq + 1);
    if (!(SRC_URI_PARAMS as readonly string[]).includes(key)) {
      throw fail(`has an unknown parameter ${JSON.stringify(key)}`, `the parameters hacktree accepts are ${SRC_URI_PARAMS.join(', ')}`);
    }
    params[key] = value;
  }
  checkParamValues(params, fail);
  return params;
}

function checkParamValues(params: Record<string, string>, fail: (why: string, hint: string) => HacktreeError): void {
  for (const key of ['subdir', 'patchdir'] as const) {
    const value = params[key];
    if (value !== undefined && !isSafeRelativePath(value)) {
      throw fail(`has ${key}=${value}, which leaves the work directory`, `${key}= is a relative path without ".." components`);
    }
  }
  for (const key of ['apply', 'unpack'] as const) {
    const value = params[key];
    if (value !== undefined) parseBoolean(value, () => fail(`has ${key}=${value}, which is not a yes/no value`, `write ${key}=yes or ${key}=no (or 1/0)`));
  }
  if (params.striplevel !== undefined && !/^\d+$/.test(params.striplevel)) {
    throw fail(`has striplevel=${params.striplevel}, which is not a number`, 'striplevel= is the number of leading path components to strip');
  }
  const name = params.downloadfilename;
  if (name !== undefined && (name === '' || name === '.' || name === '..' || name.includes('/'))) {
    throw fail(`has downloadfilename=${name}, which is not a plain file name`, 'downloadfilename= is a file name without "/"');
  }
  if (params.name === '') throw fail('has an empty name=', 'name= names the checksum flags: SRC_URI[NAME.sha256sum]');
}

function checkLocalPath(path: string, fail: (why: string, hint: string) => HacktreeError): string {
  if (!isSafeRelativePath(path)) {
    throw fail('is not a relative path inside the recipe\'s file directories', 'file:// names a file beside the recipe (recipes/NAME/, recipes/files/), without ".." or a leading "/"');
  }
  return path;
}

function remotePath(rest: string, fail: (why: string, hint: string) => HacktreeError): string {
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  if (host === '') throw fail('has no host', 'write scheme://host/path');
  return slash < 0 ? '/' : rest.slice(slash);
}

function isSafeRelativePath(path: string): boolean {
  if (path === '' || path.startsWith('/') || path.includes('\0')) return false;
  return path.split('/').every((part) => part !== '..');
}

/** BitBake's yes/no words (bb.utils.to_boolean and oe.types.boolean together). */
export function parseBoolean(value: string, invalid: () => Error): boolean {
  const lower = value.toLowerCase();
  if (TRUE_WORDS.has(lower)) return true;
  if (FALSE_WORDS.has(lower)) return false;
  throw invalid();
}

/** BitBake's rule (oe.patch.patch_path): `apply=` decides, else a `.patch`/`.diff` name, maybe compressed. */
export function isPatch(uri: SrcUri): boolean {
  if (uri.params.apply !== undefined) return parseBoolean(uri.params.apply, () => new Error('checked by parseSrcUri'));
  const name = patchCompression(uri.fileName) === undefined ? uri.fileName : uri.fileName.replace(/\.[^.]+$/, '');
  return name.endsWith('.patch') || name.endsWith('.diff');
}

/** The compression suffix of a patch file (`.gz`…), or undefined for a plain one. */
export function patchCompression(fileName: string): string | undefined {
  return PATCH_COMPRESSIONS.find((ext) => fileName.endsWith(ext));
}

/** Whether the file is unpacked (extracted or decompressed) rather than copied as it is: `unpack=` (default yes). */
export function shouldUnpack(uri: SrcUri): boolean {
  return uri.params.unpack === undefined || parseBoolean(uri.params.unpack, () => new Error('checked by parseSrcUri'));
}

/** `-pN` for a patch: `striplevel=`, default 1. */
export function patchStripLevel(uri: SrcUri): number {
  return uri.params.striplevel === undefined ? 1 : Number(uri.params.striplevel);
}

/** The flag that holds a remote source's sum: `sha256sum`, or `NAME.sha256sum` for `;name=NAME`. */
export function checksumFlag(uri: SrcUri, kind: 'sha256sum' | 'md5sum' = 'sha256sum'): string {
  return uri.name === undefined ? kind : `${uri.name}.${kind}`;
}

export function formatLocation(where: SourceLocation): string {
  return where.line > 0 ? `${where.file}:${where.line}` : where.file;
}
