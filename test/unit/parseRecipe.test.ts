import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import type { ErrorCode } from '../../src/errors/errorCodes.js';
import { parseRecipe, parseRecipeConfig, recipeConfigVars, type RecipeText } from '../../src/model/recipe/parseRecipe.js';
import type { Recipe } from '../../src/model/recipe/recipe.js';

const FILE = '/w/recipes/hello_2.12.1.bb';

/** Parses `text` as hello_2.12.1.bb, with `files` (absolute path -> text) as what includes find. */
function parse(text: string, files: Record<string, string> = {}, site?: string): Recipe {
  const readInclude = (path: string): RecipeText | null => {
    const file = path.startsWith('/') ? path : `/w/recipes/${path}`;
    return files[file] === undefined ? null : { file, text: files[file]! };
  };
  const config = parseRecipeConfig({ site: site === undefined ? undefined : { file: '/w/recipes/site.conf', text: site }, readInclude });
  return parseRecipe({ file: FILE, text, config, readInclude });
}

function vars(text: string, ...names: string[]): Record<string, string | undefined> {
  const recipe = parse(text);
  return Object.fromEntries(names.map((name) => [name, recipe.vars.get(name)]));
}

/** `text` fails with `code`, naming file:line and every string of `names` in the message. */
function fails(text: string, code: ErrorCode, line: number, names: string[] = [], files: Record<string, string> = {}): void {
  assert.throws(() => parse(text, files), (err: unknown) => {
    assert.ok(isHacktreeError(err, code), `expected ${code}, got ${String(err)}`);
    assert.ok(err.message.includes(`${FILE}:${line}:`), `names ${FILE}:${line}: ${err.message}`);
    for (const name of names) assert.ok(err.message.includes(name), `names ${JSON.stringify(name)}: ${err.message}`);
    assert.ok(err.hint, 'has a hint');
    return true;
  });
}

describe('parseRecipe: operators', () => {
  it('= is lazy: a reference is expanded with the final value of what it names', () => {
    assert.deepEqual(vars('A = "${B}"\nB = "1"\nB = "2"', 'A'), { A: '2' });
  });

  it(':= expands immediately, with what is set at that line', () => {
    assert.deepEqual(vars('B = "1"\nA := "${B}"\nB = "2"', 'A', 'B'), { A: '1', B: '2' });
  });

  it('?= sets only an unset variable; ??= is a weak default that any other assignment beats, the last one wins', () => {
    assert.deepEqual(vars('A = "x"\nA ?= "y"\nQ ?= "y"\nQ ?= "z"', 'A', 'Q'), { A: 'x', Q: 'y' });
    assert.deepEqual(vars('A ??= "w1"\nA ??= "w2"\nQ ??= "w"\nQ ?= "q"\nC ??= "w"\nC = "c"', 'A', 'Q', 'C'), { A: 'w2', Q: 'q', C: 'c' });
  });

  it('+= and =+ add with a space, .= and =. without, all on the unexpanded value', () => {
    assert.deepEqual(vars('A = "1"\nA += "2"\nA =+ "0"\nA .= "3"\nA =. "x"', 'A'), { A: 'x0 1 23' });
    assert.deepEqual(vars('A = "${B}"\nA += "c"\nB = "b"', 'A'), { A: 'b c' });
  });

  it('+= on an unset variable (or one with only a ??= default) leaves the leading space, as BitBake does', () => {
    assert.deepEqual(vars('A += "x"\nQ ??= "w"\nQ += "y"', 'A', 'Q'), { A: ' x', Q: ' y' });
  });

  it('single and double quotes, and the other kind of quote inside', () => {
    assert.deepEqual(vars(`A = 'say "hi"'\nB = "it's"\nC = ""`, 'A', 'B', 'C'), { A: 'say "hi"', B: "it's", C: '' });
  });

  it('operators need no spaces around them', () => {
    assert.deepEqual(vars('A="1"\nA+="2"\nA.="3"\nB:="${A}"', 'A', 'B'), { A: '1 23', B: '1 23' });
  });
});

describe('parseRecipe: flags', () => {
  it('VAR[flag] takes every operator, and the flags are expanded', () => {
    const recipe = parse(
      [
        'SRC_URI[sha256sum] = "abc"',
        'SRC_URI[tool.sha256sum] = "${PN}-sum"',
        'X[a] = "1"',
        'X[a] += "2"',
        'X[a] .= "3"',
        'X[a] =+ "0"',
        'X[a] =. "p"',
        'X[b] ?= "b"',
        'X[b] ?= "no"',
        'X[c] ??= "weak"',
        'X[d] ??= "weak"',
        'X[d] = "strong"',
        'X[e] := "${PV}"',
      ].join('\n'),
    );
    assert.deepEqual(Object.fromEntries(recipe.flags.get('SRC_URI')!), { sha256sum: 'abc', 'tool.sha256sum': 'hello-sum' });
    assert.deepEqual(Object.fromEntries(recipe.flags.get('X')!), { a: 'p0 1 23', b: 'b', c: 'weak', d: 'strong', e: '2.12.1' });
    assert.equal(recipe.vars.get('X'), undefined, 'flags alone do not set the variable');
    assert.deepEqual(recipe.origins.get('SRC_URI[tool.sha256sum]'), { file: FILE, line: 2 });
  });

  it('unset VAR[flag] removes one flag; unset VAR removes the variable and its flags', () => {
    const recipe = parse('A = "a"\nA[x] = "1"\nA[y] = "2"\nunset A[x]\nB = "b"\nB[z] = "3"\nunset B');
    assert.deepEqual(Object.fromEntries(recipe.flags.get('A')!), { y: '2' });
    assert.equal(recipe.vars.get('B'), undefined);
    assert.equal(recipe.flags.get('B'), undefined);
  });
});

describe('parseRecipe: lines', () => {
  it('joins "\\" continuations and keeps the next line as written; comments and blank lines are skipped', () => {
    const recipe = parse('# a comment\n\nSRC_URI = "a \\\n    b \\\n  c"\n  # indented comment\nA = "x"');
    assert.equal(recipe.vars.get('SRC_URI'), 'a     b   c');
    assert.deepEqual(recipe.origins.get('A'), { file: FILE, line: 7 }, 'line numbers count the continued lines');
    assert.deepEqual(recipe.origins.get('SRC_URI'), { file: FILE, line: 3 }, 'a continued statement is where it starts');
  });

  it('export VAR = ... sets and exports; export VAR exports an existing one; unset drops the export', () => {
    const recipe = parse('export CFLAGS = "-O2"\nLDFLAGS = "-s"\nexport LDFLAGS\nexport GONE = "x"\nunset GONE');
    assert.deepEqual([...recipe.exported].sort(), ['CFLAGS', 'LDFLAGS']);
    assert.equal(recipe.vars.get('CFLAGS'), '-O2');
  });
});

describe('parseRecipe: :append, :prepend, :remove', () => {
  it('apply when the value is finalized, after every assignment, appends then prepends in the order written', () => {
    assert.deepEqual(vars('A:append = " end"\nA:prepend = "pre "\nA = "mid"\nA:append = "!"\nA:prepend = "0"', 'A'), { A: '0pre mid end!' });
  });

  it('+= does not see an earlier :append (it is applied last)', () => {
    assert.deepEqual(vars('A = "a"\nA:append = "X"\nA += "b"', 'A'), { A: 'a bX' });
  });

  it(':remove removes whole words after expansion, keeps the others\' spacing, and its value is expanded', () => {
    assert.deepEqual(vars('A = "x y xy ${B} z"\nB = "y"\nA:remove = "${B}"\nA:remove = "z"', 'A'), { A: 'x  xy  ' });
    assert.deepEqual(vars('A = "a"\nA:remove = "a"\nA:append = " b"', 'A'), { A: ' b' }, 'removes come after appends');
  });

  it('an :append to an unset variable makes its value', () => {
    assert.deepEqual(vars('A:append = "x"', 'A'), { A: 'x' });
  });

  it('a := sees the :append operations written before it', () => {
    assert.deepEqual(vars('A = "a"\nA:append = "b"\nB := "${A}"\nA:append = "c"', 'A', 'B'), { A: 'abc', B: 'ab' });
  });

  it('RDEPENDS:${PN} becomes RDEPENDS:hello, and its :append follows it', () => {
    const recipe = parse('RDEPENDS:${PN} = "bash"\nRDEPENDS:${PN}:append = " sed"');
    assert.equal(recipe.vars.get('RDEPENDS:hello'), 'bash sed');
    assert.equal(recipe.vars.has('RDEPENDS:${PN}'), false);
  });
});

describe('parseRecipe: expansion and defaults', () => {
  it('an unknown variable stays ${VAR}, as BitBake leaves it; nested references expand inside out', () => {
    assert.deepEqual(vars('A = "${NOPE}/x"\nN = "P"\nB = "${${N}V}"', 'A', 'B'), { A: '${NOPE}/x', B: '2.12.1' });
  });

  it('PN and PV come from the file name; BitBake\'s defaults with the sandbox paths', () => {
    const recipe = parse('');
    assert.equal(recipe.name, 'hello');
    assert.equal(recipe.version, '2.12.1');
    const expected: Record<string, string> = {
      PN: 'hello', PV: '2.12.1', P: 'hello-2.12.1', BPN: 'hello', BP: 'hello-2.12.1', PR: 'r0',
      WORKDIR: '/build', S: '/build/hello-2.12.1', B: '/build/hello-2.12.1', D: '/dest',
      GNU_MIRROR: 'https://ftp.gnu.org/gnu', base_prefix: '', prefix: '/usr', exec_prefix: '/usr',
      bindir: '/usr/bin', sbindir: '/usr/sbin', libdir: '/usr/lib', libexecdir: '/usr/libexec',
      includedir: '/usr/include', datadir: '/usr/share', sysconfdir: '/etc', localstatedir: '/var',
      sharedstatedir: '/com', mandir: '/usr/share/man', infodir: '/usr/share/info', docdir: '/usr/share/doc',
      base_bindir: '/bin', base_libdir: '/lib', base_sbindir: '/sbin', DEPENDS: '', RDEPENDS: '', SRC_URI: '', EXTRA_OECONF: '',
    };
    for (const [name, value] of Object.entries(expected)) assert.equal(recipe.vars.get(name), value, name);
  });

  it('defaults follow what the recipe changes: a new prefix moves bindir, a new S moves B', () => {
    assert.deepEqual(vars('prefix = "/opt"\nS = "${WORKDIR}/src"', 'bindir', 'B', 'sysconfdir'), { bindir: '/opt/bin', B: '/build/src', sysconfdir: '/etc' });
  });

  it('a PV set in the recipe is the recipe\'s version', () => {
    assert.equal(parse('PV = "2.12.1+fix"').version, '2.12.1+fix');
  });

  it('origins name where each variable was last set', () => {
    const recipe = parse('A = "1"\n\nA += "2"');
    assert.deepEqual(recipe.origins.get('A'), { file: FILE, line: 3 });
    assert.match(recipe.origins.get('bindir')!.file, /defaults/);
  });
});

describe('parseRecipe: include and require', () => {
  it('reads included files in place, with ${} in the name, and lists them in order', () => {
    const recipe = parse('A = "1"\ninclude ${PN}.inc\nrequire /abs/common.inc\nC = "${B}"', {
      '/w/recipes/hello.inc': 'A += "from-inc"\nB = "b"',
      '/abs/common.inc': 'include /w/recipes/nested.inc',
      '/w/recipes/nested.inc': 'N = "nested"',
    });
    assert.equal(recipe.vars.get('A'), '1 from-inc');
    assert.equal(recipe.vars.get('C'), 'b');
    assert.equal(recipe.vars.get('N'), 'nested');
    assert.deepEqual(recipe.includes, ['/w/recipes/hello.inc', '/abs/common.inc', '/w/recipes/nested.inc']);
    assert.deepEqual(recipe.origins.get('B'), { file: '/w/recipes/hello.inc', line: 2 });
  });

  it('a missing include is ignored; a missing require is RECIPE_INVALID at its line', () => {
    assert.equal(parse('include nothere.inc\nA = "a"').vars.get('A'), 'a');
    fails('A = "a"\nrequire nothere.inc', 'RECIPE_INVALID', 2, ['nothere.inc']);
  });

  it('an error inside an included file names that file and line', () => {
    assert.throws(() => parse('require bad.inc', { '/w/recipes/bad.inc': 'A = "ok"\ninherit autotools' }), (err: unknown) => {
      assert.ok(isHacktreeError(err, 'RECIPE_UNSUPPORTED'));
      assert.match(err.message, /\/w\/recipes\/bad\.inc:2:/);
      return true;
    });
  });

  it('a file that includes itself is RECIPE_INVALID naming the chain', () => {
    assert.throws(() => parse('require a.inc', { '/w/recipes/a.inc': 'require b.inc', '/w/recipes/b.inc': 'require a.inc' }), (err: unknown) => {
      assert.ok(isHacktreeError(err, 'RECIPE_INVALID'));
      assert.match(err.message, /a\.inc -> .*b\.inc -> .*a\.inc/);
      return true;
    });
  });
});

describe('parseRecipe: site configuration', () => {
  it('is read before the recipe: its values are seen, and the recipe can change them', () => {
    const recipe = parse('MIRRORS += "m2"\nX = "${SITE}"', {}, 'PREMIRRORS = "https://.*/.* http://mirror/"\nMIRRORS = "m1"\nSITE = "s"');
    assert.equal(recipe.vars.get('PREMIRRORS'), 'https://.*/.* http://mirror/');
    assert.equal(recipe.vars.get('MIRRORS'), 'm1 m2');
    assert.equal(recipe.vars.get('X'), 's');
  });

  it('prepend puts values in front after everything else, and the configuration alone has final values', () => {
    const config = parseRecipeConfig({ site: { file: '/w/recipes/site.conf', text: 'PREMIRRORS = "a b"\nPREFERRED_VERSION_zlib = "1.2%"' }, prepend: new Map([['PREMIRRORS', 'env1 env2']]) });
    assert.equal(recipeConfigVars(config).get('PREFERRED_VERSION_zlib'), '1.2%');
    assert.equal(recipeConfigVars(config).get('PREMIRRORS'), 'env1 env2 a b');
    const recipe = parseRecipe({ file: FILE, text: 'PREMIRRORS = "own"', config });
    assert.equal(recipe.vars.get('PREMIRRORS'), 'env1 env2 own');
  });
});

describe('parseRecipe: refusals (RECIPE_UNSUPPORTED) with file:line and why', () => {
  const cases: Array<[string, string, string]> = [
    ['A = "${@d.getVar(\'PV\')}"', 'inline Python', '${@'],
    ['python do_configure() {', 'Python', 'python'],
    ['python () {', 'Python', 'python'],
    ['def helper(d):', 'Python', 'def'],
    ['inherit autotools', 'no classes', 'inherit'],
    ['addtask do_x after do_compile', 'no tasks', 'addtask'],
    ['deltask do_install', 'no tasks', 'deltask'],
    ['EXPORT_FUNCTIONS do_install', 'no classes', 'EXPORT_FUNCTIONS'],
    ['do_install() {', 'shell task bodies', 'do_install'],
    ['do_install:append () {', 'shell task bodies', 'do_install'],
    ['A:append:x86-64 = "y"', 'OVERRIDES', ':append:x86-64'],
  ];
  for (const [line, why, named] of cases) {
    it(`${line}`, () => {
      fails(`A = "fine"\n${line}\n}`, 'RECIPE_UNSUPPORTED', 2, [why, named, ...(why === 'OVERRIDES' ? [] : ['metadata only'])]);
    });
  }
});

describe('parseRecipe: syntax errors (RECIPE_SYNTAX) with file:line and the text', () => {
  const cases: Array<[string, string]> = [
    ['VAR := = "x"', 'unknown operator ":= ="'],
    ['VAR == "x"', 'unknown operator "=="'],
    ['VAR ?+ "x"', 'unknown operator "?+"'],
    ['VAR = "unterminated', 'unterminated double quote'],
    ["VAR = 'unterminated", 'unterminated single quote'],
    ['VAR = unquoted', 'quotes'],
    ['VAR = "x" trailing', 'after the closing quote'],
    ['this is garbage', 'not a statement'],
    ['VAR_append = "x"', 'old override syntax'],
  ];
  for (const [line, why] of cases) {
    it(`${line}`, () => {
      fails(`A = "fine \\\n  still A"\n${line}`, 'RECIPE_SYNTAX', 3, [why, JSON.stringify(line)]);
    });
  }
});

describe('parseRecipe: invalid recipes (RECIPE_INVALID)', () => {
  it('a ${} cycle names the chain and where it starts', () => {
    fails('A = "${B}"\nB = "x${A}"', 'RECIPE_INVALID', 1, ['A -> B -> A']);
    fails('A = "a"\nA = "${A}"', 'RECIPE_INVALID', 2, ['A -> A']);
    fails('A = "1"\nB = "${B}"\nC := "${B}"', 'RECIPE_INVALID', 2, ['B -> B']);
  });

  it('a file name without exactly one "_", or with a PN or PV an artifact name cannot carry', () => {
    for (const file of ['/w/recipes/hello.bb', '/w/recipes/a_b_c.bb', '/w/recipes/hello_1.0.txt', '/w/recipes/he,llo_1.bb', '/w/recipes/hello_1 0.bb']) {
      assert.throws(() => parseRecipe({ file, text: '' }), (err: unknown) => isHacktreeError(err, 'RECIPE_INVALID') && err.message.startsWith(file), file);
    }
  });
});
