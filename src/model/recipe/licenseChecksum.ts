import { createHash } from 'node:crypto';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { recipeList, type Recipe } from './recipe.js';
import { formatLocation } from './srcUri.js';

/** One LIC_FILES_CHKSUM entry: `file://PATH;md5=SUM[;beginline=N][;endline=M]`. */
export interface LicenseChecksum {
  word: string;
  /** Relative to S (or absolute in the sandbox's paths). */
  path: string;
  md5: string;
  /** 1-based, inclusive; undefined: from the first line / to the last. */
  beginLine: number | undefined;
  endLine: number | undefined;
}

export interface HashedLines {
  md5: string;
  /** The lines hashed, numbered from 1, without their line ends. */
  lines: { number: number; text: string }[];
}

const PARAMS = new Set(['md5', 'beginline', 'startline', 'endline']);

/** The recipe's LIC_FILES_CHKSUM entries; errors name the recipe file:line. */
export function parseLicenseChecksums(recipe: Recipe): LicenseChecksum[] {
  const where = formatLocation(recipe.origins.get('LIC_FILES_CHKSUM') ?? { file: recipe.file, line: 0 });
  return recipeList(recipe, 'LIC_FILES_CHKSUM').map((word) => {
    const fail = (why: string) =>
      new HacktreeError('RECIPE_INVALID', `${where}: LIC_FILES_CHKSUM entry ${JSON.stringify(word)} ${why}`, {
        hint: 'entries are file://PATH;md5=SUM, optionally ;beginline=N;endline=M (PATH relative to S)',
        data: { recipe: recipe.file, entry: word },
      });
    const [url = '', ...paramWords] = word.split(';');
    if (!url.startsWith('file://') || url.length === 'file://'.length) throw fail('is not a file:// URL');
    const params = new Map<string, string>();
    for (const param of paramWords.filter((p) => p !== '')) {
      const eq = param.indexOf('=');
      const key = eq < 0 ? param : param.slice(0, eq);
      if (eq < 0 || !PARAMS.has(key)) throw fail(`has an unknown parameter ${JSON.stringify(param)}`);
      params.set(key === 'startline' ? 'beginline' : key, param.slice(eq + 1));
    }
    const md5 = params.get('md5')?.toLowerCase();
    if (md5 === undefined || !/^[0-9a-f]{32}$/.test(md5)) throw fail('has no md5=SUM (32 hex digits)');
    const lineParam = (key: string): number | undefined => {
      const value = params.get(key);
      if (value === undefined) return undefined;
      if (!/^\d+$/.test(value)) throw fail(`has ${key}=${value}, which is not a line number`);
      return Number(value) || undefined;
    };
    return { word, path: url.slice('file://'.length), md5, beginLine: lineParam('beginline'), endLine: lineParam('endline') };
  });
}

/**
 * What BitBake hashes for an entry: the whole file, or its raw lines beginLine..endLine
 * (1-based, inclusive, each with its line end), as insane.bbclass reads them.
 */
export function hashLicenseLines(content: Buffer, beginLine: number | undefined, endLine: number | undefined): HashedLines {
  const hash = createHash('md5');
  const lines: HashedLines['lines'] = [];
  const whole = beginLine === undefined && endLine === undefined;
  if (whole) hash.update(content);
  let start = 0;
  for (let number = 1; start < content.length; number++) {
    const newline = content.indexOf(0x0a, start);
    const end = newline < 0 ? content.length : newline + 1;
    if (endLine !== undefined && number > endLine) break;
    if (beginLine === undefined || number >= beginLine) {
      const raw = content.subarray(start, end);
      if (!whole) hash.update(raw);
      lines.push({ number, text: raw.toString('utf8').replace(/\r?\n$/, '') });
    }
    start = end;
  }
  return { md5: hash.digest('hex'), lines };
}
