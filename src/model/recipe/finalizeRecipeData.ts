import { recipeExpander } from './recipeExpander.js';
import type { Recipe } from './recipe.js';
import { cloneRecipeData, type RecipeData } from './recipeData.js';

export type FinalRecipeData = Pick<Recipe, 'vars' | 'flags' | 'exported' | 'origins'>;

/**
 * Every variable's final value, as BitBake finalizes a recipe: names holding `${}` are expanded
 * first (RDEPENDS:${PN} becomes RDEPENDS:hello, merging into an existing one), then each value
 * gets its :append, :prepend, expansion and :remove. Names are sorted. `origins` holds
 * `VAR` and, for flags, `VAR[flag]`.
 */
export function finalizeRecipeData(parsed: RecipeData): FinalRecipeData {
  const data = expandNames(parsed);
  const expander = recipeExpander(data);
  const vars = new Map<string, string>();
  const flags = new Map<string, Map<string, string>>();
  const exported = new Set<string>();
  const origins = new Map<string, { file: string; line: number }>();
  for (const name of [...data.keys()].sort()) {
    const variable = data.get(name)!;
    const value = expander.variable(name);
    if (value !== undefined) vars.set(name, value);
    if (variable.exported) exported.add(name);
    if (variable.origin) origins.set(name, variable.origin);
    const flagNames = [...new Set([...variable.flags.keys(), ...variable.flagDefaults.keys()])].sort();
    if (flagNames.length > 0) flags.set(name, new Map(flagNames.map((flag) => [flag, expander.flag(name, flag)!])));
    for (const [flag, at] of variable.flagOrigins) origins.set(`${name}[${flag}]`, at);
  }
  return { vars, flags, exported, origins };
}

function expandNames(parsed: RecipeData): RecipeData {
  const templated = [...parsed.keys()].filter((name) => name.includes('${'));
  if (templated.length === 0) return parsed;
  const data = cloneRecipeData(parsed);
  const expander = recipeExpander(parsed);
  for (const name of templated) {
    const newName = expander.expand(name);
    if (newName === name) continue;
    const from = data.get(name)!;
    const into = data.get(newName);
    data.delete(name);
    if (!into) {
      data.set(newName, from);
      continue;
    }
    if (from.value !== undefined) into.value = from.value;
    into.weakDefault = from.weakDefault ?? into.weakDefault;
    into.appends.push(...from.appends);
    into.prepends.push(...from.prepends);
    into.removes.push(...from.removes);
    for (const [flag, value] of from.flags) into.flags.set(flag, value);
    for (const [flag, value] of from.flagDefaults) into.flagDefaults.set(flag, value);
    for (const [flag, at] of from.flagOrigins) into.flagOrigins.set(flag, at);
    into.exported ||= from.exported;
    into.origin = from.origin ?? into.origin;
  }
  return data;
}
