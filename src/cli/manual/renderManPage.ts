import { commandArguments, commandLine, globalOptionsOf, type ArgumentDoc, type CommandDoc } from './commandDoc.js';

export interface ManPage {
  /** hacktree-root-checkout */
  name: string;
  /** The page in man(7) macros. */
  text: string;
}

/**
 * hacktree(1), one page per top-level command or group (hacktree-root(1)) and one per subcommand
 * (hacktree-root-checkout(1)): what --help says of each, in man(7) macros.
 */
export function renderManPages(program: CommandDoc, version: string): ManPage[] {
  const pages: ManPage[] = [];
  const visit = (doc: CommandDoc, parent: CommandDoc | undefined) => {
    pages.push({ name: pageName(doc), text: renderManPage({ doc, parent, program, version }) });
    for (const sub of doc.subcommands) visit(sub, doc);
  };
  visit(program, undefined);
  return pages;
}

export function pageName(doc: CommandDoc): string {
  return ['hacktree', ...doc.path].join('-');
}

function renderManPage(options: { doc: CommandDoc; parent: CommandDoc | undefined; program: CommandDoc; version: string }): string {
  const { doc, parent, program } = options;
  const isProgram = doc.path.length === 0;
  const lines: string[] = [
    `.TH ${macroArgument(pageName(doc).toUpperCase())} 1 "" ${macroArgument(`hacktree ${options.version}`)} "hacktree manual"`,
    // Generated text: no hyphenation, ragged right (nothing for groff to warn about stretching).
    '.nh',
    '.ad l',
    '.SH NAME',
    `${literal(pageName(doc))} \\- ${text(firstLine(doc.describe))}`,
    '.SH SYNOPSIS',
    ...synopsis(doc),
    '.SH DESCRIPTION',
    ...paragraphs(doc.describe),
  ];
  if (doc.subcommands.length > 0) {
    lines.push('.SH COMMANDS');
    for (const sub of doc.subcommands) {
      lines.push('.TP', `${bold(commandLine(sub))}${argumentsAfter(sub)}`, text(sub.describe), '.br', `See ${reference(sub)}.`);
    }
  }
  if (doc.positionals.length > 0) {
    lines.push('.SH ARGUMENTS');
    for (const p of doc.positionals) lines.push('.TP', `${italic(p.name)}${p.array ? ' ...' : ''}`, ...argumentText(p));
  }
  if (doc.options.length > 0) {
    lines.push('.SH OPTIONS');
    for (const o of doc.options) lines.push('.TP', optionTerm(o), ...argumentText(o));
  }
  if (!isProgram) {
    lines.push('.SH GLOBAL OPTIONS', 'Every hacktree command accepts these (see', `${reference(program)}):`);
    for (const o of globalOptionsOf(doc, program)) lines.push('.TP', optionTerm(o), ...argumentText(o));
  }
  if (doc.examples.length > 0) {
    lines.push('.SH EXAMPLES');
    for (const e of doc.examples) lines.push('.PP', '.nf', literal(e.command), '.fi', '.RS 4', text(e.description), '.RE');
  }
  if (doc.epilogues.length > 0) lines.push('.SH NOTES', ...doc.epilogues.flatMap(paragraphs));
  const seeAlso = [...(parent === undefined ? [] : [parent]), ...doc.subcommands, ...(isProgram || parent === program ? [] : [program])];
  if (seeAlso.length > 0) lines.push('.SH SEE ALSO', seeAlso.map(reference).join(',\n'));
  return `${lines.join('\n')}\n`;
}

function synopsis(doc: CommandDoc): string[] {
  if (doc.path.length === 0) return [`${bold('hacktree')} <${italic('command')}> [${italic('options')}]`];
  // A group's usage line, as its --help has it, then each of its commands'.
  const lines = [doc, ...doc.subcommands];
  return lines.flatMap((line, i) => [...(i > 0 ? ['.br'] : []), `${bold(commandLine(line))}${argumentsAfter(line)} [${italic('options')}]`]);
}

/** ` <name> [command..]` as the usage line has it, the words in italics. */
function argumentsAfter(doc: CommandDoc): string {
  const words = commandArguments(doc);
  return words === '' ? '' : ` ${words.split(' ').map((w) => w.replace(/[a-z][a-z0-9-]*/gi, (name) => italic(name))).join(' ')}`;
}

function optionTerm(o: ArgumentDoc): string {
  const names = [...o.aliases, o.name].sort((a, b) => a.length - b.length).map((n) => bold(n.length === 1 ? `-${n}` : `--${n}`));
  if (o.type === 'boolean' || o.type === 'count') return names.join(', ');
  const value = o.choices.length > 0 ? o.choices.map(literal).join('|') : italic(o.type ?? 'value');
  return `${names.join(', ')} ${value}${o.array ? ' ...' : ''}`;
}

/** The description, then what --help shows in brackets, in its order: [type] [required] [choices: ...] [default: ...]. */
function argumentText(a: ArgumentDoc): string[] {
  const notes = [
    ...(a.array ? ['[array]'] : a.type === undefined ? [] : [`[${a.type}]`]),
    ...(a.required ? ['[required]'] : []),
    ...(a.choices.length > 0 ? [`[choices: ${a.choices.map((c) => JSON.stringify(c)).join(', ')}]`] : []),
    ...(a.defaultText === undefined ? [] : [`[default: ${a.defaultText}]`]),
  ];
  return [...(a.describe === '' ? [] : [text(a.describe), '.br']), literal(notes.join(' '))];
}

function reference(doc: CommandDoc): string {
  return `${bold(pageName(doc))}(1)`;
}

function firstLine(describe: string): string {
  return describe.split('\n')[0] ?? '';
}

/** Blank lines separate paragraphs; other line breaks are kept. */
function paragraphs(value: string): string[] {
  return value.split(/\n\s*\n/).flatMap((para, i) => [...(i > 0 ? ['.PP'] : []), para.split('\n').map(text).join('\n.br\n')]);
}

function bold(value: string): string {
  return `\\fB${literal(value)}\\fR`;
}

function italic(value: string): string {
  return `\\fI${literal(value)}\\fR`;
}

/** What a user types: every hyphen a minus sign, so it can be copied and searched for. */
function literal(value: string): string {
  return text(value).replaceAll('-', '\\-');
}

/** Prose: backslashes escaped, no line starting a request, characters beyond ASCII by code point. */
function text(value: string): string {
  const escaped = value
    .replaceAll('\\', '\\e')
    .replace(/[^\x20-\x7e\n]/gu, (c) => `\\[u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
  return escaped.replace(/^([.'])/gm, '\\&$1');
}

/** A macro's argument in double quotes, which it may not contain. */
function macroArgument(value: string): string {
  return `"${text(value).replaceAll('"', '\\(dq')}"`;
}
