import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { story } from './story.js';

// A developer's day, as the README tells it: the runtime root runs hello; the developer takes
// hello's source, adds a line, and rebuilds it -O0 into the deployed opt root, edits again,
// and goes back to master.
const s = story();
const ROOT = '3.2-runtime-opt-x86_64';
const PUBLIC = `/opt/hacktree/root-${ROOT}`;
const src = () => join(s.shell().home, 'src/hello');

/** The -O level a deployed binary was compiled with, from its DWARF producer string. */
function optimization(binary: string): string {
  const out = s.check(`readelf --debug-dump=info ${PUBLIC}${binary} | grep -m1 DW_AT_producer`).stdout;
  const level = /-O(\d)/.exec(out)?.[0];
  assert.ok(level, `no -O in ${binary}'s producer: ${out}`);
  return level;
}

test('the runtime root runs applications and has no compiler; the sdk adds the tools; only the devel root has headers', () => {
  assert.equal(s.step(`hacktree root run ${ROOT} -- hello`), 'Hello, world!\n');
  assert.equal(s.step(`hacktree root run ${ROOT} -- sh -c 'command -v gcc || echo "no compiler here"'`), 'no compiler here\n');
  assert.equal(s.step(`hacktree root run 3.2-sdk-opt-x86_64 -- sh -c 'for tool in gcc make gdb strace; do command -v $tool; done'`), '/usr/bin/gcc\n/usr/bin/make\n/usr/bin/gdb\n/usr/bin/strace\n');
  assert.match(s.step('hacktree root ls 3.2-devel-opt-x86_64 /usr/include/sigsegv.h'), /sigsegv\.h$/m);
  const sdk = s.try('hacktree root ls 3.2-sdk-opt-x86_64 /usr/include/sigsegv.h');
  assert.notEqual(sdk.status, 0);
  assert.match(sdk.stderr, /error\[PATH_NOT_FOUND\]/);
});

test('hacktree source, an edit, make debug: the deployed opt root runs the changed hello built -O0, every other component stays opt', () => {
  s.step('hacktree source hello ~/src/hello');
  s.step('cd ~/src/hello', src());
  assert.equal(s.step('git status --porcelain', src()), '', 'the source is committed as the recipe builds it');
  s.step(`sed -i 's/^  set_program_name (argv\\[0\\]);/&\\n  wprintf (L"a debug build of hello\\\\n");/' src/hello.c`, src());
  assert.match(s.step('git diff --stat hacktree-recipe', src()), /src\/hello\.c \| 1 \+/);
  const made = s.step(`HACKTREE_ROOT=${PUBLIC} hacktree make debug`, src());
  assert.match(made, /^hello \S+ built debug against 3\.2-runtime-opt-x86_64: configured and built/m);
  assert.equal(s.step(`hacktree root run ${ROOT} -- hello`), 'a debug build of hello\nHello, world!\n');
  assert.match(s.step(`hacktree root local ${ROOT}`), /^ {2}hello-runtime\t\S+\tdebug\t\d+ paths\thello-runtime,a=x86_64,b=debug,o=local,r=3\.2-opt-x86_64,/m);
  assert.equal(optimization('/usr/bin/hello'), '-O0');
  assert.equal(optimization('/usr/bin/sed'), '-O2');
});

test('the next edit rebuilds in seconds: only make runs in the kept build tree', () => {
  s.step(`sed -i 's/a debug build of hello/hello, edited and rebuilt/' src/hello.c`, src());
  const made = s.step(`HACKTREE_ROOT=${PUBLIC} hacktree make debug`, src());
  assert.match(made, /^hello \S+ built debug against 3\.2-runtime-opt-x86_64: make only \(configured before/m);
  assert.equal(s.step(`hacktree root run ${ROOT} -- hello`), 'hello, edited and rebuilt\nHello, world!\n');
});

test('a developer\'s mistakes are clear errors that change nothing', () => {
  const before = s.check(`hacktree root run ${ROOT} -- hello`).stdout;
  const mistakes: Array<{ command: string; cwd?: string; code: string; names: string[] }> = [
    { command: `HACKTREE_ROOT=${PUBLIC} hacktree make debug`, cwd: s.shell().home, code: 'SOURCE_NOT_FOUND', names: ['not an autotools source tree'] },
    { command: 'HACKTREE_ROOT=/opt/hacktree/root-3.2-runtime-debug-x86_64 hacktree make debug', cwd: src(), code: 'NOT_DEPLOYED', names: ['/opt/hacktree/root-3.2-runtime-debug-x86_64', PUBLIC] },
    { command: 'hacktree source no-such-recipe ~/src/x', code: 'RECIPE_NOT_FOUND', names: ['no-such-recipe'] },
    { command: 'hacktree source hello ~/src/hello', code: 'DEST_NOT_EMPTY', names: ['src/hello'] },
    {
      command: 'mkdir -p ~/old/usr/bin && cp ~/src/hello/README ~/old/usr/bin/x && hacktree artifact pack ~/old --name x --version 1 --root 3.1-opt-x86_64 --flavor opt --origin local --out ~/old-out && hacktree root install-local ~/old-out/x-runtime,*.tar.gz --root 3.2-runtime-opt-x86_64',
      code: 'ARTIFACT_ROOT_MISMATCH',
      names: ['r=3.1-opt-x86_64', 'r=3.2-opt-x86_64'],
    },
  ];
  for (const mistake of mistakes) {
    const r = s.check(mistake.command, mistake.cwd);
    assert.notEqual(r.status, 0, mistake.command);
    assert.match(r.stderr, new RegExp(`error\\[${mistake.code}\\]`), `${mistake.command}:\n${r.stderr}`);
    for (const name of mistake.names) assert.ok(r.stderr.includes(name), `${mistake.command}: the error names ${name}:\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /INTERNAL/);
  }
  assert.equal(s.check(`hacktree root run ${ROOT} -- hello`).stdout, before, 'the deployed root is as it was');
  assert.equal(s.check('ls ~/src').stdout, 'hello\n', 'no half-made source tree');
  assert.equal(s.check('hacktree fsck -q').status, 0);
});

test('root reset goes back to master', () => {
  s.step(`hacktree root reset ${ROOT}`);
  assert.equal(s.step(`hacktree root run ${ROOT} -- hello`), 'Hello, world!\n');
  assert.equal(optimization('/usr/bin/hello'), '-O2');
  s.step('hacktree fsck');
});
