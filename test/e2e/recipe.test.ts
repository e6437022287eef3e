import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertCliError } from '../helpers/assertCliError.js';
import { makeTempDir, runHacktree } from '../helpers/cli.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A workspace with recipes/ holding `files` (path under recipes/ -> text), roots/ and artifacts/. */
function workspace(files: Record<string, string>): string {
  const dir = makeTempDir('hacktree-recipes');
  dirs.push(dir);
  for (const sub of ['recipes', 'roots', 'artifacts']) mkdirSync(join(dir, sub));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, 'recipes', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'recipes', path), text);
  }
  return dir;
}

/** Every path under `dir` with its size and mtime: what a read-only command must leave alone. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((path) => {
      const st = statSync(join(dir, path));
      return `${path} ${st.size} ${st.mtimeMs}`;
    });
}

function ok(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): string {
  const result = runHacktree(args, options);
  assert.equal(result.status, 0, `hacktree ${args.join(' ')}: ${result.stderr}`);
  assert.equal(result.stderr, '');
  return result.stdout;
}

const HELLO = `SUMMARY = "GNU Hello"
HOMEPAGE = "https://www.gnu.org/software/hello/"
LICENSE = "GPL-3.0-or-later"
LIC_FILES_CHKSUM = "file://COPYING;md5=1ebbd3e34237af26da5dc08a4e440464"
SRC_URI = "\${GNU_MIRROR}/hello/hello-\${PV}.tar.gz \\
           file://fix-tests.patch"
SRC_URI[sha256sum] = "8d99142afd92576f30b0cd7cb42a8dc6809998bc5d607d88761f512e26c7db20"
DEPENDS = "libgreet"
RDEPENDS:\${PN} = "libgreet"
require hello.inc
`;

const SET = {
  'hello_2.12.1.bb': HELLO,
  'hello.inc': 'EXTRA_OECONF = "--disable-nls --with-greeting=${GREETING}"\n',
  'libgreet_1.0.bb': 'SUMMARY = "greetings"\nLICENSE = "MIT"\n',
  'libgreet_1.2.bb': 'SUMMARY = "newer greetings"\nLICENSE = "MIT"\nDEPENDS = "zlib"\n',
  'zlib_1.3.1.bb': 'SUMMARY = "zlib"\nLICENSE = "Zlib"\n',
  'site.conf': 'GREETING = "hi"\nPREMIRRORS = "https://.*/.* http://mirror.example/sources/"\n',
};

describe('hacktree recipe', () => {
  it('list: name, version and file of each recipe, the highest version of several; --json; -C or the current directory', () => {
    const dir = workspace(SET);
    const expected = ['hello     2.12.1  recipes/hello_2.12.1.bb', 'libgreet  1.2     recipes/libgreet_1.2.bb', 'zlib      1.3.1   recipes/zlib_1.3.1.bb'];
    assert.deepEqual(ok(['recipe', 'list', '-C', dir]).trimEnd().split('\n'), expected);
    assert.deepEqual(ok(['recipe', 'list'], { cwd: dir }).trimEnd().split('\n'), expected);
    const json = JSON.parse(ok(['recipe', 'list', '--workspace', dir, '--json'])) as Array<Record<string, string>>;
    assert.deepEqual(json.map((r) => [r.name, r.version, r.file, r.summary]), [
      ['hello', '2.12.1', join(dir, 'recipes/hello_2.12.1.bb'), 'GNU Hello'],
      ['libgreet', '1.2', join(dir, 'recipes/libgreet_1.2.bb'), 'newer greetings'],
      ['zlib', '1.3.1', join(dir, 'recipes/zlib_1.3.1.bb'), 'zlib'],
    ]);
  });

  it('PREFERRED_VERSION_<PN> in site.conf picks another version (a trailing % matches the rest)', () => {
    const dir = workspace({ ...SET, 'site.conf': 'PREFERRED_VERSION_libgreet = "1.%"\nPREFERRED_VERSION_zlib = "1.3.1"\n' });
    assert.match(ok(['recipe', 'list', '-C', dir]), /^libgreet {2}1\.2 /m, '1.% matches both; the higher wins');
    writeFileSync(join(dir, 'recipes/site.conf'), 'PREFERRED_VERSION_libgreet = "1.0"\n');
    assert.match(ok(['recipe', 'list', '-C', dir]), /^libgreet {2}1\.0 /m);
    writeFileSync(join(dir, 'recipes/site.conf'), 'PREFERRED_VERSION_libgreet = "3.0"\n');
    assertCliError(runHacktree(['recipe', 'list', '-C', dir]), 'RECIPE_NOT_FOUND', ['PREFERRED_VERSION_libgreet', '3.0', '1.0, 1.2']);
  });

  it('show: file, includes, PN/PV, summary, license, sources with checksums, dependencies, configure options', () => {
    const dir = workspace(SET);
    const text = ok(['recipe', 'show', 'hello', '-C', dir]);
    for (const line of [
      'file:         recipes/hello_2.12.1.bb',
      'include:      recipes/hello.inc',
      'PN:           hello',
      'PV:           2.12.1',
      'SUMMARY:      GNU Hello',
      'HOMEPAGE:     https://www.gnu.org/software/hello/',
      'LICENSE:      GPL-3.0-or-later',
      'DEPENDS:      libgreet',
      'RDEPENDS:     libgreet',
      'EXTRA_OECONF: --disable-nls --with-greeting=hi',
      '  https://ftp.gnu.org/gnu/hello/hello-2.12.1.tar.gz',
      '  file://fix-tests.patch',
      '  [sha256sum] 8d99142afd92576f30b0cd7cb42a8dc6809998bc5d607d88761f512e26c7db20',
      '  file://COPYING;md5=1ebbd3e34237af26da5dc08a4e440464',
    ]) {
      assert.ok(text.split('\n').includes(line), `a line ${JSON.stringify(line)} in:\n${text}`);
    }
  });

  it('show: LICENSE as an SPDX expression; an old name or an invalid one is shown, with a warning naming file:line', () => {
    const dir = workspace({ 'old_1.0.bb': 'SUMMARY = "old"\nLICENSE = "LGPLv2.1 | MIT"\n', 'bad_1.0.bb': 'LICENSE = "GPL3 junk"\n' });
    const old = runHacktree(['recipe', 'show', 'old', '-C', dir]);
    assert.equal(old.status, 0, old.stderr);
    assert.ok(old.stdout.split('\n').includes('LICENSE:      LGPL-2.1-only OR MIT (written LGPLv2.1 | MIT)'), old.stdout);
    assert.equal(old.stderr, `hacktree: warning: ${join(dir, 'recipes/old_1.0.bb')}:2: LGPLv2.1 is LGPL-2.1-only in SPDX\n`);
    const bad = runHacktree(['recipe', 'show', 'bad', '-C', dir, '--json']);
    assert.equal(bad.status, 0, bad.stderr);
    assert.equal(JSON.parse(bad.stdout).license, null);
    assert.match(bad.stderr, new RegExp(`^hacktree: warning: ${join(dir, 'recipes/bad_1.0.bb')}:1: LICENSE "GPL3 junk" of recipe bad is not an SPDX license expression`));
  });

  it('show --json: every variable, flag, export and origin; HACKTREE_PREMIRRORS / HACKTREE_MIRRORS go in front', () => {
    const dir = workspace(SET);
    const env = { HACKTREE_PREMIRRORS: 'https://.*/.* http://127.0.0.1:9/premirror/', HACKTREE_MIRRORS: 'https://.*/.* http://127.0.0.1:9/mirror/' };
    const json = JSON.parse(ok(['recipe', 'show', 'hello', '-C', dir, '--json'], { env }));
    assert.equal(json.name, 'hello');
    assert.deepEqual(json.includes, [join(dir, 'recipes/hello.inc')]);
    assert.equal(json.vars.S, '/build/hello-2.12.1');
    assert.equal(json.vars.libdir, '/usr/lib');
    assert.equal(json.vars.GREETING, 'hi', 'site.conf is read before the recipe');
    assert.equal(json.vars.PREMIRRORS, `${env.HACKTREE_PREMIRRORS} https://.*/.* http://mirror.example/sources/`);
    assert.equal(json.vars.MIRRORS.trim(), env.HACKTREE_MIRRORS);
    assert.deepEqual(json.flags.SRC_URI, { sha256sum: '8d99142afd92576f30b0cd7cb42a8dc6809998bc5d607d88761f512e26c7db20' });
    assert.deepEqual(json.origins.DEPENDS, { file: join(dir, 'recipes/hello_2.12.1.bb'), line: 8 });
    assert.deepEqual(json.origins.EXTRA_OECONF, { file: join(dir, 'recipes/hello.inc'), line: 1 });
    assert.deepEqual(json.origins['SRC_URI[sha256sum]'], { file: join(dir, 'recipes/hello_2.12.1.bb'), line: 7 });
  });

  it('graph: "a -> b" per DEPENDS edge, --runtime, --dot, --json', () => {
    const dir = workspace(SET);
    assert.equal(ok(['recipe', 'graph', '-C', dir]), 'hello -> libgreet\nlibgreet -> zlib\n');
    assert.equal(ok(['recipe', 'graph', '-C', dir, '--runtime']), 'hello -> libgreet\nzlib\n');
    const dot = ok(['recipe', 'graph', '-C', dir, '--dot']);
    assert.match(dot, /^digraph recipes \{\n/);
    assert.match(dot, /^ {2}"libgreet" -> "zlib";$/m);
    const json = JSON.parse(ok(['recipe', 'graph', '-C', dir, '--json']));
    assert.deepEqual(json.buildOrder, ['zlib', 'libgreet', 'hello']);
    assert.deepEqual(json.edges[0], { from: 'hello', to: 'libgreet', kind: 'build' });
  });

  it('closure: run-time by default, --build in build order, --json', () => {
    const dir = workspace(SET);
    assert.equal(ok(['recipe', 'closure', 'hello', '-C', dir]), 'libgreet\n');
    assert.equal(ok(['recipe', 'closure', 'hello', '--build', '-C', dir]), 'zlib\nlibgreet\n');
    assert.deepEqual(JSON.parse(ok(['recipe', 'closure', 'hello', '--build', '-C', dir, '--json'])), { name: 'hello', kind: 'build', closure: ['zlib', 'libgreet'] });
  });

  it('every subcommand has --help with an example', () => {
    for (const command of ['list', 'show', 'graph', 'closure']) {
      const help = ok(['recipe', command, '--help']);
      assert.match(help, /Examples:\n {2}hacktree recipe /, command);
      assert.match(help, /-C, --workspace/, command);
    }
  });
});

describe('hacktree recipe: errors name file:line, exit by code, and change nothing', () => {
  const cases: Array<{ what: string; files: Record<string, string>; args: string[]; code: Parameters<typeof assertCliError>[1]; names: (dir: string) => string[] }> = [
    { what: 'a syntax error', files: { 'a_1.bb': 'A = "x"\nB := = "y"\n' }, args: ['list'], code: 'RECIPE_SYNTAX', names: (d) => [`${d}/recipes/a_1.bb:2`, ':= ='] },
    { what: 'an unterminated quote', files: { 'a_1.bb': 'A = "x\n' }, args: ['list'], code: 'RECIPE_SYNTAX', names: (d) => [`${d}/recipes/a_1.bb:1`, 'unterminated'] },
    { what: 'Python', files: { 'a_1.bb': '\nPV = "${@bb.utils.foo()}"\n' }, args: ['show', 'a'], code: 'RECIPE_UNSUPPORTED', names: (d) => [`${d}/recipes/a_1.bb:2`, 'metadata only'] },
    { what: 'inherit', files: { 'a_1.bb': 'inherit autotools\n' }, args: ['list'], code: 'RECIPE_UNSUPPORTED', names: (d) => [`${d}/recipes/a_1.bb:1`, 'inherit'] },
    { what: 'a DEPENDS cycle', files: { 'a_1.bb': 'DEPENDS = "b"\n', 'b_1.bb': '\nDEPENDS = "a"\n' }, args: ['graph'], code: 'DEPENDENCY_CYCLE', names: (d) => ['a -> b -> a', `${d}/recipes/b_1.bb:2`] },
    { what: 'a cycle, for closure --build', files: { 'a_1.bb': 'DEPENDS = "a"\n' }, args: ['closure', 'a', '--build'], code: 'DEPENDENCY_CYCLE', names: () => ['a -> a'] },
    { what: 'a missing DEPENDS', files: { 'a_1.bb': 'DEPENDS = "gtk"\n' }, args: ['graph'], code: 'DEPENDENCY_MISSING', names: (d) => [`${d}/recipes/a_1.bb:1`, '"gtk"'] },
    { what: 'a missing RDEPENDS', files: { 'a_1.bb': 'RDEPENDS:${PN} = "bash"\n' }, args: ['closure', 'a'], code: 'DEPENDENCY_MISSING', names: () => ['"bash"', 'RDEPENDS:a'] },
    { what: 'an unknown recipe', files: { 'a_1.bb': '' }, args: ['show', 'nope'], code: 'RECIPE_NOT_FOUND', names: () => ['"nope"'] },
    { what: 'a file name without a version', files: { 'a.bb': '' }, args: ['list'], code: 'RECIPE_INVALID', names: (d) => [`${d}/recipes/a.bb`, 'NAME_VERSION.bb'] },
    { what: 'a missing require', files: { 'a_1.bb': 'require gone.inc\n' }, args: ['list'], code: 'RECIPE_INVALID', names: (d) => [`${d}/recipes/a_1.bb:1`, 'gone.inc'] },
    { what: 'two files with one PN and PV', files: { 'a_1.bb': '', 'b_1.bb': 'PN = "a"\n' }, args: ['list'], code: 'RECIPE_INVALID', names: () => ['a_1.bb', 'b_1.bb'] },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const dir = workspace(c.files);
      const before = snapshot(dir);
      assertCliError(runHacktree(['recipe', ...c.args, '-C', dir]), c.code, c.names(dir));
      const json = runHacktree(['recipe', ...c.args, '-C', dir, '--json']);
      assert.equal(JSON.parse(json.stdout).error.code, c.code);
      assert.deepEqual(snapshot(dir), before, 'the workspace is unchanged');
    });
  }

  it('a directory without recipes/ is WORKSPACE_INVALID, with a hint', () => {
    const dir = makeTempDir('hacktree-not-a-workspace');
    dirs.push(dir);
    assertCliError(runHacktree(['recipe', 'list'], { cwd: dir }), 'WORKSPACE_INVALID', [dir, 'recipes/']);
    assertCliError(runHacktree(['recipe', 'graph', '-C', join(dir, 'nothere')]), 'WORKSPACE_INVALID', ['nothere']);
    assert.deepEqual(readdirSync(dir), []);
  });
});
