import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hacktreeBin, makeTempDir, runHacktree } from '../helpers/cli.js';

// What `npm run build` wrote from the command definitions (src/cli/manual/writeManual.ts), and
// setup.sh installs.
const dist = join(dirname(hacktreeBin), '..', 'dist');
const manDir = join(dist, 'man');
const bashScript = join(dist, 'completion', 'hacktree.bash');
const zshScript = join(dist, 'completion', '_hacktree');

const HELP_SECTIONS = new Set(['Commands:', 'Positionals:', 'Options:', 'Examples:']);

/** The command paths `--help` lists, read from --help itself (its Commands: sections), all the way down. */
function helpCommandPaths(path: string[] = []): string[][] {
  return [path, ...helpCommandNames(path).flatMap((name) => helpCommandPaths([...path, name]))];
}

/** The subcommands `hacktree PATH --help` lists (lines `  hacktree PATH NAME ...`; the others continue a description). */
function helpCommandNames(path: string[]): string[] {
  return section(helpOf(path), 'Commands:').flatMap((line) => {
    const listed = /^ {2}hacktree /.test(line) ? words(line)[path.length + 1] : undefined;
    return listed === undefined ? [] : [listed];
  });
}

const helpTexts = new Map<string, string>();

function helpOf(path: string[]): string {
  const key = path.join(' ');
  if (!helpTexts.has(key)) {
    const result = runHacktree([...path, '--help']);
    assert.equal(result.status, 0, result.stderr);
    helpTexts.set(key, result.stdout);
  }
  return helpTexts.get(key)!;
}

/** The lines of one section of --help: after its title, up to the next title or the end. */
function section(help: string, title: string): string[] {
  const lines = help.split('\n');
  const start = lines.indexOf(title);
  if (start < 0) return [];
  const end = lines.findIndex((line, i) => i > start && HELP_SECTIONS.has(line));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((line) => line.trim() !== '');
}

/** The page as `man` shows it, lines wide enough that no word is broken at a hyphen. */
function renderPage(file: string, width = 1000): { status: number; stdout: string; stderr: string } {
  const result = spawnSync('man', ['--warnings', '-l', file], {
    encoding: 'utf8',
    env: { ...process.env, MANWIDTH: String(width), LC_ALL: 'C.UTF-8', MAN_KEEP_FORMATTING: '', PAGER: 'cat' },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Words, and a bracketed note apart from the word before it: yargs runs them together where a column is full. */
function words(text: string): string[] {
  return text.split(/\s+|(?=\[(?:string|boolean|number|array|choices|default|required))/).filter((w) => w !== '');
}

/**
 * The help words the page lacks. yargs breaks a word longer than its column in two (the other
 * column's words between the halves), so two missing words in a row may make one of the page's.
 */
function missingWords(helpWords: string[], pageWords: Set<string>): string[] {
  const lacking = helpWords.filter((w) => !pageWords.has(w));
  const missing: string[] = [];
  for (let i = 0; i < lacking.length; i++) {
    if (pageWords.has(lacking[i]! + (lacking[i + 1] ?? ''))) i++;
    else missing.push(lacking[i]!);
  }
  return missing;
}

function pageFile(path: string[]): string {
  return join(manDir, `${['hacktree', ...path].join('-')}.1`);
}

/** Runs the bash completion function as bash would on Tab after WORDS (the last is the word being completed). */
function bashComplete(...typed: string[]): string[] {
  const script = 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; _hacktree; printf "%s\\n" "${COMPREPLY[@]}"';
  const result = spawnSync('bash', ['-c', script, 'bash', bashScript, 'hacktree', ...typed], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  return result.stdout.split('\n').filter((w) => w !== '');
}

/**
 * Types LINE and Tab into an interactive zsh (under zsh/zpty) that loads _hacktree through
 * compinit as it would from site-functions, and returns the line after completion.
 */
function zshComplete(fpathDir: string, line: string): string {
  const driver = [
    'zmodload zsh/zpty',
    "zpty z 'zsh -f -i'",
    `zpty -w z "PS1='> '; fpath=(\${1} \\$fpath); autoload -Uz compinit; compinit -u -D; show-buffer() { print -rn -- \\"<<\\$BUFFER>>\\" }; zle -N show-buffer; bindkey '^X' show-buffer; print READY"`,
    "zpty -r z out '*READY*'",
    // Tab completes; ^X then prints the line, once zle has read the Tab and finished completing.
    `zpty -w -n z "\${2}"$'\\t\\C-x'`,
    "zpty -r z out '*<<*>>*'",
    'print -r -- "${${out##*<<}%%>>*}"',
    'zpty -d z',
  ].join('\n');
  const result = spawnSync('zsh', ['-f', '-c', driver, 'zsh', fpathDir, line], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, `zsh: ${result.stderr}`);
  return result.stdout.replace(/\n$/, '');
}

describe('man pages', () => {
  const paths = helpCommandPaths();

  it('has one page per command and command group --help lists, and none more', () => {
    assert.ok(paths.length > 40, `--help lists ${paths.length} commands`);
    assert.ok(paths.some((p) => p.join(' ') === 'root checkout'));
    const expected = paths.map((p) => `${['hacktree', ...p].join('-')}.1`).sort();
    assert.deepEqual(readdirSync(manDir).sort(), expected);
  });

  it('each page renders with man without a warning', () => {
    for (const file of readdirSync(manDir)) {
      const rendered = renderPage(join(manDir, file), 80);
      assert.equal(rendered.status, 0, `${file}: ${rendered.stderr}`);
      assert.equal(rendered.stderr, '', `${file} renders with warnings`);
      assert.match(rendered.stdout, /^NAME\n\s+hacktree/m, file);
    }
  });

  it('says everything --help says: every word, every command, option and example', () => {
    for (const path of paths) {
      const help = helpOf(path);
      const page = renderPage(pageFile(path));
      assert.equal(page.stderr, '');
      const pageWords = new Set(words(page.stdout));
      const missing = missingWords(words(help).filter((w) => !HELP_SECTIONS.has(w)), pageWords);
      assert.deepEqual(missing, [], `hacktree ${path.join(' ')} --help says words its man page does not`);
      // Whole lines, not only words: each option's spellings, each subcommand and example.
      const flat = words(page.stdout).join(' ');
      for (const line of section(help, 'Options:')) {
        for (const flag of line.trim().match(/^(-\w, )?--[\w-]+/)?.[0].split(', ') ?? []) assert.ok(pageWords.has(flag) || pageWords.has(`${flag},`), `${flag} of ${path.join(' ')}`);
      }
      for (const name of section(help, 'Commands:').map((l) => words(l).slice(0, path.length + 2).join(' '))) {
        assert.ok(flat.includes(name), `"${name}" in hacktree-${path.join('-')}(1)`);
      }
      for (const example of section(help, 'Examples:').map((l) => words(l).slice(0, 3).join(' ')).filter((e) => e.startsWith('hacktree'))) {
        assert.ok(flat.includes(example), `example "${example}..." in hacktree-${path.join('-')}(1)`);
      }
    }
  });

  it('keeps an option page its own --version (artifact pack) and its defaults and choices', () => {
    const page = words(renderPage(pageFile(['artifact', 'pack'])).stdout).join(' ');
    assert.match(page, /--version string the artifact version/);
    assert.doesNotMatch(page, /Show version number/, 'the global --version gives way, as in --help');
    assert.match(page, /--origin master\|local where the build came from \[choices: "master", "local"\] \[default: "master"\]/);
    const build = words(renderPage(pageFile(['build'])).stdout).join(' ');
    assert.match(build, /-j, --jobs number recipes built at once \[number\] \[default: 1\]/);
    assert.match(build, /EXAMPLES hacktree build build every recipe/);
  });
});

describe('bash completion', () => {
  it('completes command groups, their subcommands, options and option values', () => {
    assert.deepEqual(bashComplete('ro'), ['root']);
    const rootCommands = helpCommandNames(['root']);
    assert.deepEqual(bashComplete('root', ''), rootCommands);
    assert.ok(rootCommands.includes('checkout'));
    const checkoutOptions = bashComplete('root', 'checkout', '--');
    for (const option of ['--prefix', '--commit', '--keep', '--repo', '--json', '--help']) assert.ok(checkoutOptions.includes(option), option);
    assert.deepEqual(bashComplete('root', 'checkout', '--ke'), ['--keep']);
    assert.deepEqual(bashComplete('--repo', '/tmp/repo', 'root', 'ch'), ['checkout'], "a global option's value is not a command");
    assert.deepEqual(bashComplete('build', '--flavor', ''), ['opt', 'debug']);
    assert.deepEqual(bashComplete('build', '-C', 'root', ''), helpCommandNames(['build']), "-C's value is a directory, not the root group");
    assert.deepEqual(bashComplete('root', 'run', 'x', '--', 'ro'), [], 'after -- the words are the command run in the root');
  });

  it('is found where setup.sh installs it by bash-completion, which loads it on first use', (t) => {
    const tmp = makeTempDir('hacktree-e2e-completion');
    t.after(() => rmSync(tmp, { recursive: true, force: true }));
    mkdirSync(join(tmp, 'bash-completion', 'completions'), { recursive: true });
    copyFileSync(bashScript, join(tmp, 'bash-completion', 'completions', 'hacktree'));
    const script = 'source /usr/share/bash-completion/bash_completion; __load_completion hacktree; complete -p hacktree';
    const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, XDG_DATA_DIRS: tmp, BASH_COMPLETION_USER_DIR: join(tmp, 'none') } });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'complete -o default -F _hacktree hacktree');
  });
});

describe('zsh completion', () => {
  let fpathDir = '';
  before(() => {
    fpathDir = makeTempDir('hacktree-e2e-zsh');
    copyFileSync(zshScript, join(fpathDir, '_hacktree'));
  });
  after(() => rmSync(fpathDir, { recursive: true, force: true }));

  it('is a script zsh accepts, registered for hacktree', () => {
    const result = spawnSync('zsh', ['-n', zshScript], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    // compinit reads this first line to know which command the function completes.
    assert.equal(readFileSync(zshScript, 'utf8').split('\n')[0], '#compdef hacktree');
  });

  it('completes command groups, subcommands, options and option values in an interactive zsh', () => {
    assert.equal(zshComplete(fpathDir, 'hacktree ro'), 'hacktree root ');
    assert.equal(zshComplete(fpathDir, 'hacktree root che'), 'hacktree root checkout ');
    assert.equal(zshComplete(fpathDir, 'hacktree root checkout --ke'), 'hacktree root checkout --keep ');
    assert.equal(zshComplete(fpathDir, 'hacktree --repo /tmp/repo root rol'), 'hacktree --repo /tmp/repo root rollback ');
    assert.equal(zshComplete(fpathDir, 'hacktree build --flavor de'), 'hacktree build --flavor debug ');
  });
});
