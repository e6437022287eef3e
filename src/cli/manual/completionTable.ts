import { globalOptionsOf, type ArgumentDoc, type CommandDoc } from './commandDoc.js';

export interface CompletionOption {
  /** Every spelling: -C, --workspace. */
  flags: string[];
  describe: string;
  takesValue: boolean;
  choices: string[];
}

/** What completes after the words of one command: its subcommands and options (the global ones included). */
export interface CompletionEntry {
  /** The subcommand words typed so far, space-separated: '' for hacktree itself, 'root checkout'. */
  path: string;
  subcommands: Array<{ name: string; describe: string }>;
  options: CompletionOption[];
}

/** The completion scripts' tables, one entry per command, from the command tree --help shows. */
export function completionTable(program: CommandDoc): CompletionEntry[] {
  const entries: CompletionEntry[] = [];
  const visit = (doc: CommandDoc) => {
    entries.push({
      path: doc.path.map(shellWord).join(' '),
      subcommands: doc.subcommands.map((sub) => ({ name: shellWord(sub.path.at(-1)!), describe: sub.describe })),
      options: [...doc.options, ...(doc.path.length === 0 ? [] : globalOptionsOf(doc, program))].map(completionOption),
    });
    doc.subcommands.forEach(visit);
  };
  visit(program);
  return entries;
}

function completionOption(o: ArgumentDoc): CompletionOption {
  const flags = [o.name, ...o.aliases].sort((a, b) => a.length - b.length).map((n) => shellWord(n.length === 1 ? `-${n}` : `--${n}`));
  return { flags, describe: o.describe, takesValue: o.type !== 'boolean' && o.type !== 'count', choices: o.choices.map(shellWord) };
}

/**
 * The scripts put command and option names unquoted into `case` patterns and word lists: a name
 * with anything but letters, digits, dashes, dots and underscores would need quoting there.
 */
function shellWord(word: string): string {
  if (!/^-{0,2}[A-Za-z0-9][A-Za-z0-9._-]*$/.test(word)) throw new Error(`"${word}" is not a plain command, option or choice name the completion scripts can list`);
  return word;
}
