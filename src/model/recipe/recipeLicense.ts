import parseSpdx from 'spdx-expression-parse';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { recipeVar, type Recipe } from './recipe.js';

/**
 * A recipe's LICENSE as an SPDX expression. Recipes may write it as SPDX (`GPL-3.0-or-later`,
 * `MIT OR Apache-2.0`) or the way OpenEmbedded's older recipes do (`GPLv3+ & LGPLv2.1`, `|` for
 * OR, `&` for AND); the old names map to SPDX ids, each with a warning.
 */
export interface RecipeLicense {
  /** The SPDX expression, AND/OR spelled out, ids as SPDX spells them. */
  expression: string;
  /** Every license id the expression names (sorted, once each). */
  ids: string[];
  /** One line per old name that was mapped, e.g. `GPLv3+ is GPL-3.0-or-later in SPDX`. */
  warnings: string[];
}

/** OpenEmbedded's old names (meta/conf/licenses.conf, SPDXLICENSEMAP) and SPDX's deprecated ids. */
const OLD_NAMES: Readonly<Record<string, string>> = {
  AGPLv3: 'AGPL-3.0-only',
  'AGPLv3+': 'AGPL-3.0-or-later',
  'AGPL-3.0': 'AGPL-3.0-only',
  'AGPL-3.0+': 'AGPL-3.0-or-later',
  GPLv1: 'GPL-1.0-only',
  'GPLv1+': 'GPL-1.0-or-later',
  GPLv2: 'GPL-2.0-only',
  'GPLv2+': 'GPL-2.0-or-later',
  GPLv3: 'GPL-3.0-only',
  'GPLv3+': 'GPL-3.0-or-later',
  'GPL-1.0': 'GPL-1.0-only',
  'GPL-1.0+': 'GPL-1.0-or-later',
  'GPL-2.0': 'GPL-2.0-only',
  'GPL-2.0+': 'GPL-2.0-or-later',
  'GPL-3.0': 'GPL-3.0-only',
  'GPL-3.0+': 'GPL-3.0-or-later',
  LGPLv2: 'LGPL-2.0-only',
  'LGPLv2+': 'LGPL-2.0-or-later',
  'LGPLv2.1': 'LGPL-2.1-only',
  'LGPLv2.1+': 'LGPL-2.1-or-later',
  LGPLv3: 'LGPL-3.0-only',
  'LGPLv3+': 'LGPL-3.0-or-later',
  'LGPL-2.0': 'LGPL-2.0-only',
  'LGPL-2.0+': 'LGPL-2.0-or-later',
  'LGPL-2.1': 'LGPL-2.1-only',
  'LGPL-2.1+': 'LGPL-2.1-or-later',
  'LGPL-3.0': 'LGPL-3.0-only',
  'LGPL-3.0+': 'LGPL-3.0-or-later',
  MPLv1: 'MPL-1.0',
  'MPLv1.1': 'MPL-1.1',
  MPLv2: 'MPL-2.0',
  'MIT-X': 'MIT',
  'MIT-style': 'MIT',
  openssl: 'OpenSSL',
  PSF: 'PSF-2.0',
  PSFv2: 'PSF-2.0',
  'Python-2': 'Python-2.0',
  Apachev2: 'Apache-2.0',
  'Apache-2': 'Apache-2.0',
  Artisticv1: 'Artistic-1.0',
  'Artistic-1': 'Artistic-1.0',
  'AFL-2': 'AFL-2.0',
  'AFL-1': 'AFL-1.2',
  AFLv2: 'AFL-2.0',
  AFLv1: 'AFL-1.2',
  CDDLv1: 'CDDL-1.0',
  'CDDL-1': 'CDDL-1.0',
  'EPLv1.0': 'EPL-1.0',
  FreeType: 'FTL',
  Nauman: 'Naumen',
  tcl: 'TCL',
  vim: 'Vim',
  // OpenEmbedded's "no license to name": a proprietary component.
  CLOSED: 'LicenseRef-CLOSED',
};

const TOKEN = /\s*(\(|\)|&|\||\bAND\b|\bOR\b|\bWITH\b|[A-Za-z0-9.+:-]+)\s*/y;

/**
 * The recipe's LICENSE as an SPDX expression, or LICENSE_INVALID naming the recipe file and the
 * line that set it.
 */
export function recipeLicense(recipe: Recipe): RecipeLicense {
  const at: LicenseOrigin = { recipe: recipe.name, ...(recipe.origins.get('LICENSE') ?? { file: recipe.file }) };
  const text = recipeVar(recipe, 'LICENSE').trim();
  if (text === '' || text === 'INVALID') {
    throw new HacktreeError('LICENSE_INVALID', `${whereOf(at)}: recipe ${recipe.name} sets no LICENSE`, {
      hint: 'set LICENSE to an SPDX expression, e.g. LICENSE = "GPL-3.0-or-later" (see https://spdx.org/licenses/)',
      data: { ...at },
    });
  }
  return licenseExpression(text, at);
}

/** Where a LICENSE value was set, for errors and warnings. */
export interface LicenseOrigin {
  recipe: string;
  file: string;
  line?: number;
}

/** LICENSE text (SPDX or OpenEmbedded's syntax) as an SPDX expression. */
export function licenseExpression(text: string, at: LicenseOrigin): RecipeLicense {
  const where = whereOf(at);
  const warnings: string[] = [];
  const words: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw invalid(text, at, `unexpected ${JSON.stringify(text.slice(start, start + 1))} at offset ${start}`);
    const token = match[1]!;
    if (token === '&') words.push('AND');
    else if (token === '|') words.push('OR');
    else if (OLD_NAMES[token] !== undefined) {
      words.push(OLD_NAMES[token]);
      warnings.push(`${where}: ${token} is ${OLD_NAMES[token]} in SPDX`);
    } else words.push(token);
  }
  const expression = words.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')');
  let tree: parseSpdx.Info;
  try {
    tree = parseSpdx(expression);
  } catch (err) {
    throw invalid(text, at, (err as Error).message);
  }
  const ids = new Set<string>();
  collectIds(tree, ids);
  return { expression, ids: [...ids].sort(), warnings };
}

function collectIds(node: parseSpdx.Info, into: Set<string>): void {
  if ('license' in node) {
    into.add(node.plus ? `${node.license}+` : node.license);
    if (node.exception) into.add(node.exception);
    return;
  }
  collectIds(node.left, into);
  collectIds(node.right, into);
}

function invalid(text: string, at: LicenseOrigin, why: string): HacktreeError {
  return new HacktreeError('LICENSE_INVALID', `${whereOf(at)}: LICENSE ${JSON.stringify(text)} of recipe ${at.recipe} is not an SPDX license expression: ${why}`, {
    hint: 'write SPDX ids joined by AND, OR and WITH (e.g. "GPL-2.0-or-later AND MIT"; see https://spdx.org/licenses/), or an OpenEmbedded name such as GPLv3+',
    data: { ...at, license: text },
  });
}

function whereOf(at: LicenseOrigin): string {
  return at.line === undefined ? at.file : `${at.file}:${at.line}`;
}
