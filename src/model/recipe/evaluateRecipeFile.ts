import { HacktreeError } from '../../errors/HacktreeError.js';
import { recipeExpander } from './recipeExpander.js';
import type { SourceLocation } from './recipe.js';
import { recipeVariable, type RecipeData } from './recipeData.js';
import { parseRecipeStatements, type IncludeStatement, type RecipeStatement } from './recipeStatement.js';

/** A recipe, configuration or included file: its absolute path and its text. */
export interface RecipeText {
  file: string;
  text: string;
}

/**
 * Finds the file an `include`/`require` names (`path` is already `${}`-expanded; `from` is
 * the statement). Null when there is no such file. The caller does the I/O; the model stays pure.
 */
export type ReadRecipeInclude = (path: string, from: SourceLocation) => RecipeText | null;

export interface EvaluationContext {
  readInclude: ReadRecipeInclude;
  /** Files read through include/require, appended in the order read. */
  includes: string[];
}

/** Applies every statement of `input` to the datastore in order, following includes. */
export function evaluateRecipeFile(data: RecipeData, input: RecipeText, context: EvaluationContext, stack: readonly string[] = []): void {
  const chain = [...stack, input.file];
  for (const statement of parseRecipeStatements(input.file, input.text)) {
    if (isInclude(statement)) includeFile(data, statement, context, chain);
    else applyStatement(data, statement);
  }
}

function isInclude(statement: RecipeStatement): statement is IncludeStatement {
  return statement.kind === 'include' || statement.kind === 'require';
}

function includeFile(data: RecipeData, statement: IncludeStatement, context: EvaluationContext, chain: string[]): void {
  const path = recipeExpander(data).expand(statement.path);
  const at = statement.at;
  const found = context.readInclude(path, at);
  if (!found) {
    if (statement.kind === 'include') return; // BitBake ignores a missing include
    throw new HacktreeError('RECIPE_INVALID', `${at.file}:${at.line}: require ${path}: no such file`, {
      hint: 'a relative path is looked up beside the requiring file, then in recipes/; use "include" for an optional file',
      data: { file: at.file, line: at.line, path },
    });
  }
  if (chain.includes(found.file)) {
    throw new HacktreeError('RECIPE_INVALID', `${at.file}:${at.line}: ${found.file} includes itself: ${[...chain, found.file].join(' -> ')}`, {
      hint: 'remove the include that closes the loop',
      data: { file: at.file, line: at.line, chain: [...chain, found.file] },
    });
  }
  context.includes.push(found.file);
  evaluateRecipeFile(data, found, context, chain);
}

function applyStatement(data: RecipeData, statement: Exclude<RecipeStatement, IncludeStatement>): void {
  if (statement.kind === 'export') {
    recipeVariable(data, statement.name).exported = true;
  } else if (statement.kind === 'unset') {
    if (statement.flag === undefined) data.delete(statement.name);
    else unsetFlag(data, statement.name, statement.flag);
  } else {
    assign(data, statement);
  }
}

function unsetFlag(data: RecipeData, name: string, flag: string): void {
  const variable = data.get(name);
  if (!variable) return;
  if (flag === 'export') variable.exported = false;
  variable.flags.delete(flag);
  variable.flagDefaults.delete(flag);
  variable.flagOrigins.delete(flag);
}

function assign(data: RecipeData, statement: Extract<RecipeStatement, { kind: 'assign' }>): void {
  const { name, flag, operator, at } = statement;
  const value = operator === ':=' ? recipeExpander(data).expand(statement.value) : statement.value;
  const override = flag === undefined ? /^(.+?):(append|prepend|remove)$/.exec(name) : null;
  if (override) {
    // An override-style operation is kept aside and applied when the value is finalized; the
    // operators combine with the operation's own (never set) value, as in BitBake.
    const variable = recipeVariable(data, override[1]!);
    const list = override[2] === 'append' ? variable.appends : override[2] === 'prepend' ? variable.prepends : variable.removes;
    list.push(combine(operator, undefined, value));
    variable.origin = at;
    return;
  }
  const variable = recipeVariable(data, name);
  if (statement.exported) variable.exported = true;
  const current = flag === undefined ? variable.value : variable.flags.get(flag);
  if (operator === '?=' && current !== undefined) return;
  if (operator === '??=') {
    if (flag === undefined) variable.weakDefault = value;
    else variable.flagDefaults.set(flag, value);
    if (current === undefined) setOrigin(variable, flag, at);
    return;
  }
  const next = combine(operator, current, value);
  if (flag === undefined) variable.value = next;
  else variable.flags.set(flag, next);
  setOrigin(variable, flag, at);
}

function combine(operator: string, current: string | undefined, value: string): string {
  switch (operator) {
    case '+=':
      return `${current ?? ''} ${value}`;
    case '=+':
      return `${value} ${current ?? ''}`;
    case '.=':
      return `${current ?? ''}${value}`;
    case '=.':
      return `${value}${current ?? ''}`;
    default:
      return value;
  }
}

function setOrigin(variable: ReturnType<typeof recipeVariable>, flag: string | undefined, at: SourceLocation): void {
  if (flag === undefined) variable.origin = at;
  else variable.flagOrigins.set(flag, at);
}
