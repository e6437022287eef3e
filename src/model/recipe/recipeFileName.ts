import { basename } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';

// What an artifact name can carry (no ',' '/' '_' or whitespace), as BitBake's PN and PV allow.
const NAME = /^[A-Za-z0-9][A-Za-z0-9+.-]*$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9+.~-]*$/;

/** PN and PV from a recipe file name `PN_PV.bb`, as BitBake's vars_from_file splits it. */
export function parseRecipeFileName(file: string): { name: string; version: string } {
  const base = basename(file);
  const parts = base.endsWith('.bb') ? base.slice(0, -3).split('_') : [];
  if (parts.length !== 2) {
    throw new HacktreeError('RECIPE_INVALID', `${file}: a recipe file is named NAME_VERSION.bb, with one "_"`, {
      hint: 'rename it, e.g. hello_2.12.1.bb (PN "hello", PV "2.12.1")',
      data: { file },
    });
  }
  const [name, version] = parts as [string, string];
  checkRecipeNameAndVersion(name, version, file);
  return { name, version };
}

/** PN and PV end up in artifact names: no "_", ",", "/" or whitespace. */
export function checkRecipeNameAndVersion(name: string, version: string, file: string): void {
  for (const [what, value, pattern] of [['PN', name, NAME], ['PV', version, VERSION]] as const) {
    if (pattern.test(value)) continue;
    throw new HacktreeError('RECIPE_INVALID', `${file}: ${what} ${JSON.stringify(value)} is not a valid recipe ${what === 'PN' ? 'name' : 'version'}`, {
      hint: `${what} may hold letters, digits and ${what === 'PN' ? '"+.-"' : '"+.~-"'}, and starts with a letter or digit`,
      data: { file, [what]: value },
    });
  }
}
