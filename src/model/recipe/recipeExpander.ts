import { HacktreeError } from '../../errors/HacktreeError.js';
import { rawFlag, rawValue, type RecipeData } from './recipeData.js';

// BitBake's __expand_var_regexp__: the innermost ${NAME} first, repeated until nothing changes.
const REFERENCE = /\$\{[a-zA-Z0-9\-_+./~:]+?\}/g;

export interface RecipeExpander {
  /** `text` with every `${VAR}` of a set variable replaced; unknown ones stay as written. */
  expand(text: string): string;
  /** A variable's final value: appended, prepended, expanded, `:remove`d; undefined if unset. */
  variable(name: string): string | undefined;
  /** A variable flag's expanded value; undefined if unset. */
  flag(name: string, flag: string): string | undefined;
}

/**
 * Expands values against a datastore as BitBake's getVar(name, expand=True) does. Results are
 * cached, so make a new expander after the datastore changes. A variable that references
 * itself, directly or through others, is RECIPE_INVALID naming the chain and where it was set.
 */
export function recipeExpander(data: RecipeData): RecipeExpander {
  const cache = new Map<string, string | undefined>();
  const active: string[] = [];

  function expandText(text: string): string {
    let current = text;
    while (current.includes('${')) {
      const next = current.replace(REFERENCE, (reference) => variable(reference.slice(2, -1)) ?? reference);
      if (next === current) break;
      current = next;
    }
    return current;
  }

  function variable(name: string): string | undefined {
    if (cache.has(name)) return cache.get(name);
    const state = data.get(name);
    const raw = rawValue(state);
    if (raw === undefined) return undefined;
    if (active.includes(name)) {
      const chain = [...active.slice(active.indexOf(name)), name];
      const at = data.get(chain[0]!)?.origin;
      throw new HacktreeError('RECIPE_INVALID', `${at ? `${at.file}:${at.line}: ` : ''}variable ${name} references itself: ${chain.join(' -> ')}`, {
        hint: 'break the cycle: one of these variables must not refer back to the others',
        data: { variable: name, chain, file: at?.file, line: at?.line },
      });
    }
    active.push(name);
    try {
      let value = expandText(raw);
      if (state!.removes.length > 0) value = removeWords(value, state!.removes.flatMap((remove) => expandText(remove).split(/\s+/)));
      cache.set(name, value);
      return value;
    } finally {
      active.pop();
    }
  }

  return {
    expand: (text) => expandText(text),
    variable,
    flag: (name, flag) => {
      const raw = rawFlag(data.get(name), flag);
      return raw === undefined ? undefined : expandText(raw);
    },
  };
}

/** Drops whole words, keeping the whitespace around the others as BitBake does. */
function removeWords(value: string, words: string[]): string {
  const removed = new Set(words.filter((word) => word !== ''));
  return value
    .split(/(\s)/)
    .filter((part) => !removed.has(part))
    .join('');
}
