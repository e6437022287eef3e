import type { CompletionEntry } from './completionTable.js';

/**
 * The bash completion script (installed as /usr/share/bash-completion/completions/hacktree).
 * Static tables rather than yargs' .completion(): that one starts node and yargs (~0.15 s) on
 * every Tab and adds a `completion` command to --help. Plain bash, no bash-completion helpers, so
 * it also works sourced on its own.
 */
export function renderBashCompletion(entries: CompletionEntry[]): string {
  const cases = (render: (e: CompletionEntry) => string | undefined) =>
    entries.flatMap((e) => {
      const words = render(e);
      return words === undefined || words === '' ? [] : [`    '${e.path}') echo '${words}' ;;`];
    });
  const choices = entries.flatMap((e) =>
    e.options.filter((o) => o.choices.length > 0).map((o) => `    ${o.flags.map((f) => `'${e.path}|${f}'`).join(' | ')}) echo '${o.choices.join(' ')}' ;;`),
  );
  return `# bash completion for hacktree, written by \`npm run build\` from the command definitions
# (src/cli/manual/renderBashCompletion.ts): do not edit.

_hacktree_subcommands() {
  case $1 in
${cases((e) => e.subcommands.map((s) => s.name).join(' ')).join('\n')}
  esac
}

_hacktree_options() {
  case $1 in
${cases((e) => e.options.flatMap((o) => o.flags).join(' ')).join('\n')}
  esac
}

# The options that take a value: the word after one is that value, not a command.
_hacktree_valued() {
  case $1 in
${cases((e) => e.options.filter((o) => o.takesValue).flatMap((o) => o.flags).join(' ')).join('\n')}
  esac
}

_hacktree_choices() {
  case "$1|$2" in
${choices.join('\n')}
  esac
}

_hacktree() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} path='' word i value=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    if ((value)); then value=0; continue; fi
    # After --, every word is an argument (root run's command): complete file names.
    [[ $word == -- ]] && { COMPREPLY=(); return 0; }
    if [[ $word == -* ]]; then
      [[ $word != *=* && " $(_hacktree_valued "$path") " == *" $word "* ]] && value=1
    elif [[ " $(_hacktree_subcommands "$path") " == *" $word "* ]]; then
      path=\${path:+$path }$word
    fi
  done
  if ((value)); then
    # An option's value: its choices, else (complete -o default) file names.
    COMPREPLY=($(compgen -W "$(_hacktree_choices "$path" "$prev")" -- "$cur"))
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_hacktree_options "$path")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_hacktree_subcommands "$path")" -- "$cur"))
  fi
  return 0
}

complete -o default -F _hacktree hacktree
`;
}
