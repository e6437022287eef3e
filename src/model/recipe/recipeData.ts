import type { SourceLocation } from './recipe.js';

/**
 * One variable as BitBake's datastore keeps it while parsing: the raw (unexpanded) value, the
 * weak default of `??=`, the override-style operations that apply only when the value is
 * finalized, and its flags.
 */
export interface RecipeVariable {
  value?: string;
  weakDefault?: string;
  /** `:append`, `:prepend` and `:remove` operations, in the order written. */
  appends: string[];
  prepends: string[];
  removes: string[];
  flags: Map<string, string>;
  /** `VAR[flag] ??= value`. */
  flagDefaults: Map<string, string>;
  exported: boolean;
  /** The last statement that touched the value. */
  origin?: SourceLocation;
  flagOrigins: Map<string, SourceLocation>;
}

/** The datastore: variable name -> state. Mutated only while a file is being parsed. */
export type RecipeData = Map<string, RecipeVariable>;

export function recipeVariable(data: RecipeData, name: string): RecipeVariable {
  let variable = data.get(name);
  if (!variable) {
    variable = { appends: [], prepends: [], removes: [], flags: new Map(), flagDefaults: new Map(), exported: false, flagOrigins: new Map() };
    data.set(name, variable);
  }
  return variable;
}

/** A deep copy, so one parsed configuration can start every recipe. */
export function cloneRecipeData(data: RecipeData): RecipeData {
  const copy: RecipeData = new Map();
  for (const [name, v] of data) {
    copy.set(name, {
      ...v,
      appends: [...v.appends],
      prepends: [...v.prepends],
      removes: [...v.removes],
      flags: new Map(v.flags),
      flagDefaults: new Map(v.flagDefaults),
      flagOrigins: new Map(v.flagOrigins),
    });
  }
  return copy;
}

/**
 * A variable's value before `${}` expansion, as BitBake's getVar computes it: the value (or
 * the `??=` default), then every `:append`, then every `:prepend`. Undefined when it has none.
 */
export function rawValue(variable: RecipeVariable | undefined): string | undefined {
  if (!variable) return undefined;
  let value = variable.value ?? variable.weakDefault;
  if (value === undefined && variable.appends.length === 0 && variable.prepends.length === 0) return undefined;
  value ??= '';
  for (const append of variable.appends) value += append;
  for (const prepend of variable.prepends) value = prepend + value;
  return value;
}

/** A flag's value before expansion: the flag, else its `??=` default. */
export function rawFlag(variable: RecipeVariable | undefined, flag: string): string | undefined {
  return variable?.flags.get(flag) ?? variable?.flagDefaults.get(flag);
}
