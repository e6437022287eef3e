import { HacktreeError } from '../../errors/HacktreeError.js';
import type { SourceLocation } from './recipe.js';

/** BitBake's assignment operators, as written. */
export type AssignmentOperator = '=' | ':=' | '?=' | '??=' | '+=' | '=+' | '.=' | '=.';

/** One logical line of a recipe or configuration file (continuations joined, comments dropped). */
export type RecipeStatement =
  | { kind: 'assign'; at: SourceLocation; name: string; flag?: string; operator: AssignmentOperator; value: string; exported: boolean }
  | { kind: 'export'; at: SourceLocation; name: string }
  | { kind: 'unset'; at: SourceLocation; name: string; flag?: string }
  | IncludeStatement;

export interface IncludeStatement {
  kind: 'include' | 'require';
  at: SourceLocation;
  path: string;
}

const OPERATORS: readonly string[] = ['=', ':=', '?=', '??=', '+=', '=+', '.=', '=.'];
// BitBake's own character classes for variable and flag names (bb/parse/parse_py/ConfHandler.py).
const NAME = String.raw`[a-zA-Z0-9\-_+.\${}/~:]+?`;
const FLAG = String.raw`[a-zA-Z0-9\-_+.][a-zA-Z0-9\-_+.@/]*`;
const ASSIGNMENT = new RegExp(
  String.raw`^(export\s+)?(${NAME})(?:\[(${FLAG})\])?\s*(:=|\?\?=|\?=|\+=|=\+|=\.|\.=|=)\s*` +
    String.raw`(?!'[^']*'[^']*'$)(?!"[^"]*"[^"]*"$)(['"])(.*)\5$`,
);
const OPERATOR_LIKE = new RegExp(String.raw`^(?:export\s+)?(${NAME})(?:\[[^\]]*\])?\s*([:?+=.][:?+=.\s]*)(.*)$`);
const EXPORT_ONLY = new RegExp(String.raw`^export\s+(${NAME.slice(0, -1)})$`);
const UNSET = new RegExp(String.raw`^unset\s+(${NAME.slice(0, -1)})(?:\[(${FLAG})\])?$`);
const INCLUDE = /^(include|require)\s+(\S.*)$/;
const FUNCTION = /^(?:fakeroot\s+)?[\w.+${}:-]+\s*\(\s*\)\s*\{/;

const REFUSED: Record<string, string> = {
  python: 'Python functions are not run',
  def: 'Python functions are not run',
  inherit: 'there are no classes; the build steps are fixed (configure, make, make install)',
  inherit_defer: 'there are no classes; the build steps are fixed (configure, make, make install)',
  addtask: 'there are no tasks; the build steps are fixed (configure, make, make install)',
  deltask: 'there are no tasks; the build steps are fixed (configure, make, make install)',
  addhandler: 'there are no event handlers',
  addpylib: 'Python is not run',
  EXPORT_FUNCTIONS: 'there are no classes or task functions',
  include_all: 'there are no layers to include from',
};

/**
 * Splits a recipe or configuration file into statements, as BitBake's parser reads them:
 * trailing `\` joins the next line, `#` starts a comment line, values are quoted. Anything
 * beyond the metadata-only subset is RECIPE_UNSUPPORTED, anything unreadable RECIPE_SYNTAX,
 * both naming file:line.
 */
export function parseRecipeStatements(file: string, text: string): RecipeStatement[] {
  const statements: RecipeStatement[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const at: SourceLocation = { file, line: i + 1 };
    let logical = lines[i]!.trimEnd();
    while (logical.endsWith('\\') && i + 1 < lines.length) {
      logical = logical.slice(0, -1) + lines[++i]!.trimEnd();
    }
    if (logical.endsWith('\\')) logical = logical.slice(0, -1);
    const line = logical.trim();
    if (line === '' || line.startsWith('#')) continue;
    statements.push(parseStatement(line, at));
  }
  return statements;
}

function parseStatement(line: string, at: SourceLocation): RecipeStatement {
  refuseUnsupported(line, at);
  const assignment = ASSIGNMENT.exec(line);
  if (assignment) {
    const [, exported, name, flag, operator, , value] = assignment;
    checkName(name!, line, at);
    return { kind: 'assign', at, name: name!, flag, operator: operator as AssignmentOperator, value: value!, exported: exported !== undefined };
  }
  const exportOnly = EXPORT_ONLY.exec(line);
  if (exportOnly) return { kind: 'export', at, name: checkName(exportOnly[1]!, line, at) };
  const unset = UNSET.exec(line);
  if (unset) return { kind: 'unset', at, name: checkName(unset[1]!, line, at), flag: unset[2] };
  const include = INCLUDE.exec(line);
  if (include) return { kind: include[1] as 'include' | 'require', at, path: include[2]!.trim() };
  throw syntaxError(line, at, explainUnparsed(line));
}

function refuseUnsupported(line: string, at: SourceLocation): void {
  const firstWord = /^[^\s(]+/.exec(line)?.[0] ?? '';
  let why = REFUSED[firstWord];
  if (why === undefined && line.includes('${@')) why = 'inline Python (${@...}) is not evaluated';
  if (why === undefined && FUNCTION.test(line)) why = 'shell task bodies are not run; the build steps are fixed (configure, make, make install)';
  if (why === undefined) return;
  throw new HacktreeError('RECIPE_UNSUPPORTED', `${at.file}:${at.line}: hacktree recipes are metadata only: ${why}: ${JSON.stringify(line)}`, {
    hint: 'keep to variables, flags, include/require, export and unset (docs/recipes.md); pass configure options in EXTRA_OECONF',
    data: { file: at.file, line: at.line, text: line },
  });
}

function checkName(name: string, line: string, at: SourceLocation): string {
  const old = /_(append|prepend|remove)(?=$|:|_)/.exec(name);
  if (old) {
    throw syntaxError(line, at, `"${name}" uses the old override syntax "_${old[1]}"`, `write it as ${name.slice(0, old.index)}:${old[1]}`);
  }
  const conditional = /:(append|prepend|remove)(:.+)$/.exec(name);
  if (conditional) {
    throw new HacktreeError('RECIPE_UNSUPPORTED', `${at.file}:${at.line}: hacktree recipes have no OVERRIDES, so the conditional ":${conditional[1]}${conditional[2]}" never applies: ${JSON.stringify(line)}`, {
      hint: `use ${name.slice(0, conditional.index)}:${conditional[1]} without a condition`,
      data: { file: at.file, line: at.line, text: line },
    });
  }
  return name;
}

/** Why a line that is no statement failed to be one, for the error message. */
function explainUnparsed(line: string): string {
  const like = OPERATOR_LIKE.exec(line);
  if (!like) return 'not a statement (expected VAR = "value", include, require, export or unset)';
  const operator = like[2]!.trim();
  const rest = like[3]!;
  if (!OPERATORS.includes(operator)) return `unknown operator "${operator}" (BitBake has ${OPERATORS.join(' ')})`;
  const quote = rest[0];
  if (quote !== '"' && quote !== "'") return 'the value must be in double or single quotes';
  if (rest.indexOf(quote, 1) < 0) return `unterminated ${quote === '"' ? 'double' : 'single'} quote`;
  return 'text after the closing quote';
}

function syntaxError(line: string, at: SourceLocation, why: string, hint = 'see docs/recipes.md for the syntax hacktree reads'): HacktreeError {
  return new HacktreeError('RECIPE_SYNTAX', `${at.file}:${at.line}: ${why}: ${JSON.stringify(line)}`, {
    hint,
    data: { file: at.file, line: at.line, text: line },
  });
}
