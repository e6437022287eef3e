import type { CompletionEntry } from './completionTable.js';

/**
 * The zsh completion function (installed as _hacktree in zsh's site-functions): the same tables
 * and the same walk over the words as the bash script, with each command's and option's
 * description shown beside it.
 */
export function renderZshCompletion(entries: CompletionEntry[]): string {
  const described = (render: (e: CompletionEntry) => Array<[string, string]>) =>
    entries.flatMap((e) => {
      const pairs = render(e);
      if (pairs.length === 0) return [];
      return [`    '${e.path}') reply=(`, ...pairs.map(([name, describe]) => `      ${quote(`${name}:${oneLine(describe)}`)}`), '    ) ;;'];
    });
  const words = (render: (e: CompletionEntry) => string[]) =>
    entries.flatMap((e) => {
      const list = render(e);
      return list.length === 0 ? [] : [`    '${e.path}') reply=(${list.join(' ')}) ;;`];
    });
  const choices = entries.flatMap((e) =>
    e.options.filter((o) => o.choices.length > 0).map((o) => `    ${o.flags.map((f) => `'${e.path}|${f}'`).join(' | ')}) reply=(${o.choices.join(' ')}) ;;`),
  );
  return `#compdef hacktree
# zsh completion for hacktree, written by \`npm run build\` from the command definitions
# (src/cli/manual/renderZshCompletion.ts): do not edit.

_hacktree_subcommands() {
  reply=()
  case $1 in
${described((e) => e.subcommands.map((s) => [s.name, s.describe])).join('\n')}
  esac
}

_hacktree_options() {
  reply=()
  case $1 in
${described((e) => e.options.flatMap((o) => o.flags.map((f): [string, string] => [f, o.describe]))).join('\n')}
  esac
}

# The options that take a value: the word after one is that value, not a command.
_hacktree_valued() {
  reply=()
  case $1 in
${words((e) => e.options.filter((o) => o.takesValue).flatMap((o) => o.flags)).join('\n')}
  esac
}

_hacktree_choices() {
  reply=()
  case "$1|$2" in
${choices.join('\n')}
  esac
}

_hacktree() {
  local cmdpath='' word i value=0
  local -a reply names
  for ((i = 2; i < CURRENT; i++)); do
    word=\${words[i]}
    if ((value)); then value=0; continue; fi
    # After --, every word is an argument (root run's command): complete file names.
    [[ $word == -- ]] && { _files; return; }
    if [[ $word == -* ]]; then
      _hacktree_valued "$cmdpath"
      [[ $word != *=* && \${reply[(Ie)$word]} -gt 0 ]] && value=1
    else
      _hacktree_subcommands "$cmdpath"
      names=(\${reply%%:*})
      (( \${names[(Ie)$word]} )) && cmdpath=\${cmdpath:+$cmdpath }$word
    fi
  done
  if ((value)); then
    _hacktree_choices "$cmdpath" "\${words[CURRENT-1]}"
    if (( \${#reply} )); then compadd -a reply; else _files; fi
  elif [[ \${words[CURRENT]} == -* ]]; then
    _hacktree_options "$cmdpath"
    _describe -t options 'option' reply
  else
    _hacktree_subcommands "$cmdpath"
    if (( \${#reply} )); then _describe -t commands 'hacktree command' reply; else _files; fi
  fi
}

_hacktree "$@"
`;
}

/** _describe reads NAME:DESCRIPTION; the description is one line. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** A single-quoted zsh word. */
function quote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}
