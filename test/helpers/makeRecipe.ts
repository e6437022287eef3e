import type { Recipe, SourceLocation } from '../../src/model/recipe/recipe.js';

export interface MakeRecipeOptions {
  /** Absolute path of the .bb file (it need not exist unless file:// sources are looked up beside it). */
  file: string;
  name?: string;
  version?: string;
  /** Variables, already expanded; each gets an origin line in the order given (from line 1). */
  vars?: Record<string, string>;
  /** Flags by variable: { SRC_URI: { sha256sum: '…' } }. */
  flags?: Record<string, Record<string, string>>;
}

/**
 * A Recipe value as the parser would make it, for tests of what consumes recipes: BitBake's
 * defaults for PN, PV, P, BPN, BP, WORKDIR (/build) and S (${WORKDIR}/${BP}), then `vars`.
 */
export function makeRecipe(options: MakeRecipeOptions): Recipe {
  const name = options.name ?? 'hello';
  const version = options.version ?? '1.0';
  const vars = new Map<string, string>([
    ['PN', name],
    ['PV', version],
    ['P', `${name}-${version}`],
    ['BPN', name],
    ['BP', `${name}-${version}`],
    ['WORKDIR', '/build'],
    ['S', `/build/${name}-${version}`],
  ]);
  const origins = new Map<string, SourceLocation>();
  let line = 1;
  for (const [key, value] of Object.entries(options.vars ?? {})) {
    vars.set(key, value);
    origins.set(key, { file: options.file, line: line++ });
  }
  const flags = new Map(Object.entries(options.flags ?? {}).map(([key, values]) => [key, new Map(Object.entries(values))] as const));
  return { name, version, file: options.file, includes: [], vars, flags, exported: new Set(), origins };
}
