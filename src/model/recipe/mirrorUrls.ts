import { HacktreeError } from '../../errors/HacktreeError.js';
import { recipeVar, type Recipe } from './recipe.js';
import { formatLocation } from './srcUri.js';

/** One PREMIRRORS/MIRRORS pair: URLs matching `find` are also tried at `replace`. */
export interface MirrorRule {
  find: string;
  replace: string;
}

/**
 * A PREMIRRORS or MIRRORS value as BitBake reads it (fetch2's mirror_from_string): words
 * separated by whitespace or a literal `\n`, taken in pairs `REGEX REPLACEMENT`.
 */
export function parseMirrorList(value: string, variable = 'MIRRORS'): MirrorRule[] {
  const words = value.replaceAll('\\n', ' ').split(/\s+/).filter((word) => word.length > 0);
  if (words.length % 2 !== 0) {
    throw new HacktreeError('RECIPE_INVALID', `${variable} has an odd number of words (${words.length}): its last pattern ${JSON.stringify(words.at(-1))} has no replacement`, {
      hint: `${variable} is a list of "REGEX REPLACEMENT" pairs, e.g. "https?://.*/.* http://mirror.example/sources/"`,
      data: { variable, value },
    });
  }
  const rules: MirrorRule[] = [];
  for (let i = 0; i < words.length; i += 2) {
    const rule = { find: words[i]!, replace: words[i + 1]! };
    checkRule(rule, variable);
    rules.push(rule);
  }
  return rules;
}

/**
 * A recipe's PREMIRRORS and MIRRORS (the parser fills them from recipes/site.conf,
 * HACKTREE_PREMIRRORS and HACKTREE_MIRRORS), parsed; errors name where each was set.
 */
export function recipeMirrors(recipe: Recipe): { premirrors: MirrorRule[]; mirrors: MirrorRule[] } {
  const parse = (variable: string) => {
    const origin = recipe.origins.get(variable);
    return parseMirrorList(recipeVar(recipe, variable), origin ? `${formatLocation(origin)}: ${variable}` : variable);
  };
  return { premirrors: parse('PREMIRRORS'), mirrors: parse('MIRRORS') };
}

interface DecodedUrl {
  type: string;
  host: string;
  path: string;
}

/** BitBake's decodeurl, without user, password and parameters (hacktree's mirrors never need them). */
function decodeUrl(url: string): DecodedUrl | undefined {
  const match = /^([^:]*):\/\/(?:[^/;]+@)?([^;]*)(?:;.*)?$/.exec(url);
  if (!match) return undefined;
  const type = match[1]!;
  const location = match[2]!;
  if (type.toLowerCase() === 'file') return { type, host: '', path: location };
  const slash = location.indexOf('/');
  return slash < 0 ? { type, host: location, path: '/' } : { type, host: location.slice(0, slash), path: location.slice(slash) };
}

function checkRule(rule: MirrorRule, variable: string): void {
  const find = decodeUrl(rule.find);
  const replace = decodeUrl(rule.replace);
  const bad = (what: string, why: string) =>
    new HacktreeError('RECIPE_INVALID', `${variable}: ${what} ${why}`, {
      hint: `${variable} is a list of "REGEX REPLACEMENT" pairs, each a URL: "https?://.*/.* http://mirror.example/sources/"`,
      data: { variable, find: rule.find, replace: rule.replace },
    });
  if (!find) throw bad(`pattern ${JSON.stringify(rule.find)}`, 'is not of the form TYPE://HOST/PATH');
  if (!replace) throw bad(`replacement ${JSON.stringify(rule.replace)}`, 'is not of the form TYPE://HOST/PATH');
  for (const part of [find.type, find.host, find.path]) {
    try {
      new RegExp(part);
    } catch (err) {
      throw bad(`pattern ${JSON.stringify(rule.find)}`, `is not a valid regular expression: ${(err as Error).message}`);
    }
  }
}

/**
 * The URL `rule` maps `url` to, or undefined when it does not apply, following BitBake's
 * fetch2 uri_replace: the pattern and the URL are split into type, host and path; each part
 * of the pattern is a regular expression that must match the URL's part from its start (the
 * type entirely); the first match is replaced by the replacement's part, in which `\1` names a
 * group and TYPE, HOST, PATH, BASENAME, MIRRORNAME stand for the original URL's parts; an empty
 * replacement part empties it. Finally the path ends with the file's name: when it does not
 * already, `fileName` is appended (so a replacement ending in "/" names a directory), unless
 * the pattern's path ends in `$`: then the replacement is the mirror's file, whatever its name.
 * BitBake's parameter matching and recursive mirroring of mirrors are not reproduced.
 */
export function mirrorUrl(url: string, fileName: string, rule: MirrorRule): string | undefined {
  const original = decodeUrl(url);
  const find = decodeUrl(rule.find);
  const replace = decodeUrl(rule.replace);
  if (!original || !find || !replace) return undefined;
  const tokens: Record<string, string> = {
    TYPE: original.type,
    HOST: original.host,
    PATH: original.path,
    BASENAME: original.path.split('/').at(-1) ?? '',
    MIRRORNAME: original.host.replaceAll(':', '.') + original.path.replaceAll('/', '.').replaceAll('*', '.'),
  };
  const parts = ['type', 'host', 'path'] as const;
  const result: DecodedUrl = { ...original };
  for (const part of parts) {
    const pattern = part === 'type' && !find[part].endsWith('$') ? `${find[part]}$` : find[part];
    const regexp = new RegExp(pattern);
    const match = regexp.exec(original[part]);
    if (!match || match.index !== 0) return undefined;
    result[part] = replace[part] === '' ? '' : original[part].replace(regexp, pythonReplacement(substituteTokens(replace[part], tokens)));
  }
  // hacktree's one extension: a pattern whose path is anchored at its end ($) matched the file
  // itself, so its replacement names the mirror's file even under another name (Debian's
  // PKG_VERSION.orig.tar.xz for upstream's PKG-VERSION.tar.xz); BitBake would append the name.
  const namesTheFile = find.path.endsWith('$') && !result.path.endsWith('/');
  if (!namesTheFile) result.path = withFileName(result.path, original.path.split('/').at(-1) ?? '', fileName);
  const mapped = `${result.type}://${result.type.toLowerCase() === 'file' ? '' : result.host}${result.path.replace(/\/{2,}/g, '/')}`;
  return mapped === url ? undefined : mapped;
}

/** Every distinct URL the rules map `url` to, in rule order. */
export function mirrorUrls(url: string, fileName: string, rules: readonly MirrorRule[]): string[] {
  const urls: string[] = [];
  for (const rule of rules) {
    const mapped = mirrorUrl(url, fileName, rule);
    if (mapped !== undefined && !urls.includes(mapped)) urls.push(mapped);
  }
  return urls;
}

function substituteTokens(text: string, tokens: Record<string, string>): string {
  let out = text;
  for (const [token, value] of Object.entries(tokens)) out = out.replaceAll(token, value);
  return out;
}

/** Python's re.sub replacement (`\1`, `\g<1>`, `\g<name>`) as a JavaScript one (`$1`, `$<name>`). */
function pythonReplacement(text: string): string {
  return text
    .replaceAll('$', '$$$$')
    .replace(/\\g<(\d+)>/g, '$$$1')
    .replace(/\\g<([A-Za-z_]\w*)>/g, '$$<$1>')
    .replace(/\\(\d{1,2})/g, '$$$1')
    .replace(/\\\\/g, '\\');
}

function withFileName(path: string, originalBaseName: string, fileName: string): string {
  const sentinel = `/${path}`;
  if (originalBaseName !== '' && fileName !== originalBaseName && sentinel.endsWith(`/${originalBaseName}`)) {
    return sentinel.slice(1, sentinel.length - originalBaseName.length) + fileName;
  }
  if (sentinel.endsWith(`/${fileName}`)) return path;
  return path === '' || path.endsWith('/') ? path + fileName : `${path}/${fileName}`;
}
