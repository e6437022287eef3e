// The embedded default set (recipes/, recipes/site.conf, roots/3.2.json, test/fixtures/hello-local)
// is data other parts build; this checks it is consistent without a network or a build:
// bench/build-defaults-by-hand.sh is the proof that it builds. The recipes are read with a few
// regular expressions (the set uses only plain `VAR = "..."` assignments), not the recipe parser.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRootDefinition, artifactsOfRoot, baseOfKind, basesOfDefinition } from '../../src/model/root/rootDefinition.js';
import { parseBaseDefinition } from '../../src/model/root/baseDefinition.js';

// Compiled to dist/test/unit/; the data stays in the source tree.
const top = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const recipesDir = join(top, 'recipes');

interface SetRecipe {
  name: string;
  version: string;
  text: string;
}

const recipes: SetRecipe[] = readdirSync(recipesDir)
  .filter((file) => file.endsWith('.bb'))
  .map((file) => {
    const [name, version] = file.slice(0, -'.bb'.length).split('_');
    assert.ok(name && version, `${file} is NAME_VERSION.bb`);
    return { name, version, text: readFileSync(join(recipesDir, file), 'utf8') };
  });

function value(recipe: SetRecipe, key: string): string {
  const joined = recipe.text.replace(/\\\n/g, ' ');
  const escaped = key.replace(/[[\]]/g, '\\$&');
  const match = new RegExp(`^${escaped}\\s*=\\s*"(.*)"\\s*$`, 'm').exec(joined);
  return match?.[1] ? match[1].replace(/\s+/g, ' ').trim() : '';
}

function words(recipe: SetRecipe, key: string): string[] {
  return value(recipe, key).split(' ').filter((word) => word !== '');
}

function upstreamUrl(recipe: SetRecipe): string {
  const remote = words(recipe, 'SRC_URI').filter((entry) => !entry.startsWith('file://'));
  assert.equal(remote.length, 1, `${recipe.name}: one remote source`);
  return remote[0]!
    .replace(/\$\{GNU_MIRROR\}/g, 'https://ftp.gnu.org/gnu')
    .replace(/\$\{PV\}/g, recipe.version)
    .replace(/\$\{(PN|BPN)\}/g, recipe.name);
}

function premirrors(): Array<{ regex: RegExp; replacement: string }> {
  const conf = readFileSync(join(recipesDir, 'site.conf'), 'utf8').replace(/\\\n/g, ' ');
  const match = /^PREMIRRORS\s*=\s*"(.*?)"/ms.exec(conf);
  assert.ok(match, 'site.conf sets PREMIRRORS');
  return match[1]!
    .split('\\n')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '')
    .map((pair) => {
      const [regex, replacement, ...rest] = pair.split(/\s+/);
      assert.equal(rest.length, 0, `one REGEX REPLACEMENT pair: ${pair}`);
      assert.ok(regex && replacement, `one REGEX REPLACEMENT pair: ${pair}`);
      return { regex: new RegExp(regex), replacement };
    });
}

describe('the default recipe set', () => {
  it('has at least five recipes, each with a license, checksums and a real upstream URL', () => {
    assert.ok(recipes.length >= 5, `${recipes.length} recipes`);
    for (const recipe of recipes) {
      assert.match(value(recipe, 'SRC_URI[sha256sum]'), /^[0-9a-f]{64}$/, `${recipe.name}: SRC_URI[sha256sum]`);
      assert.notEqual(value(recipe, 'LICENSE'), '', `${recipe.name}: LICENSE`);
      for (const key of ['SUMMARY', 'HOMEPAGE']) assert.notEqual(value(recipe, key), '', `${recipe.name}: ${key}`);
      const licenses = words(recipe, 'LIC_FILES_CHKSUM');
      assert.ok(licenses.length > 0 && licenses.every((entry) => /^file:\/\/[^;]+;.*md5=[0-9a-f]{32}/.test(entry)), `${recipe.name}: LIC_FILES_CHKSUM`);
      assert.match(upstreamUrl(recipe), new RegExp(`^https://ftp\\.gnu\\.org/gnu/${recipe.name}/${recipe.name}-${recipe.version.replace(/\./g, '\\.')}\\.tar\\.(gz|xz)$`));
    }
  });

  it('has a library another recipe builds against, a patch and a line-range license checksum', () => {
    const names = new Set(recipes.map((recipe) => recipe.name));
    const depends = recipes.flatMap((recipe) => words(recipe, 'DEPENDS').map((dep) => ({ recipe: recipe.name, dep })));
    assert.ok(depends.length > 0, 'some recipe has DEPENDS');
    for (const { recipe, dep } of depends) assert.ok(names.has(dep), `${recipe} DEPENDS on ${dep}, which is in the set`);
    const patches = recipes.flatMap((recipe) => words(recipe, 'SRC_URI').filter((entry) => entry.startsWith('file://')).map((entry) => join(recipesDir, recipe.name, entry.slice('file://'.length).split(';')[0]!)));
    assert.ok(patches.length > 0, 'some recipe has a patch');
    for (const patch of patches) assert.match(readFileSync(patch, 'utf8'), /^From [0-9a-f]{40} /, `${patch} is in git format-patch form`);
    assert.ok(recipes.some((recipe) => /beginline=\d+;endline=\d+/.test(value(recipe, 'LIC_FILES_CHKSUM'))), 'a beginline/endline range');
  });

  it('site.conf maps every upstream tarball to exactly one Debian orig tarball of the same version', () => {
    const mirrors = premirrors();
    assert.equal(mirrors.length, recipes.length, 'one pair per recipe');
    for (const recipe of recipes) {
      const url = upstreamUrl(recipe);
      const hits = mirrors.filter((mirror) => mirror.regex.test(url));
      assert.equal(hits.length, 1, `${url}: one PREMIRRORS pair`);
      const [hit] = hits;
      assert.ok(hit);
      const mapped = url.replace(hit.regex, hit.replacement);
      const extension = /\.tar\.\w+$/.exec(url)?.[0];
      assert.equal(mapped, `http://deb.debian.org/debian/pool/main/${recipe.name.startsWith('lib') ? recipe.name.slice(0, 4) : recipe.name[0]}/${recipe.name}/${recipe.name}_${recipe.version}.orig${extension}`);
      assert.ok(!mirrors.some((mirror) => mirror.regex.test(`${url}.sig`)), `${url}: the regex is anchored`);
    }
  });

  it('roots/3.2.json parses and its components are exactly the recipes', () => {
    const def = parseRootDefinition(readFileSync(join(top, 'roots/3.2.json'), 'utf8'), 'roots/3.2.json');
    assert.deepEqual(def.arches, ['x86_64', 'i686']);
    const components = artifactsOfRoot(def, 'devel').filter((artifact) => artifact.kind === 'runtime').map((artifact) => artifact.component);
    assert.deepEqual([...components].sort(), recipes.map((recipe) => recipe.name).sort());
    assert.ok(def.runtime.includes('libsigsegv') && def.runtime.includes('hello'), 'the library and a program in runtime');
    assert.ok(def.sdk.includes('m4'), 'the tool in sdk');
  });

  it('roots/3.2.json names a base for each kind, and roots/bases/ says how to make each: no compiler under runtime roots, gdb and strace under sdk roots', () => {
    const def = parseRootDefinition(readFileSync(join(top, 'roots/3.2.json'), 'utf8'), 'roots/3.2.json');
    const bases = new Map(basesOfDefinition(def).map((name) => [name, parseBaseDefinition(readFileSync(join(top, `roots/bases/${name}.json`), 'utf8'), name, name)]));
    assert.equal(baseOfKind(def, 'devel'), baseOfKind(def, 'sdk'), 'devel roots sit on the sdk base');
    const runtime = bases.get(baseOfKind(def, 'runtime')!)!;
    const sdk = bases.get(baseOfKind(def, 'sdk')!)!;
    const build = bases.get(def.base!)!;
    assert.deepEqual(runtime.include, [], 'minbase alone');
    for (const tool of ['build-essential', 'gdb', 'strace']) assert.ok(sdk.include.includes(tool), `sdk base has ${tool}`);
    assert.ok(build.include.includes('build-essential') && !build.include.includes('gdb'), 'builds run on the toolchain alone');
    for (const base of bases.values()) assert.equal(base.variant, 'minbase');
  });

  it('test/fixtures/hello-local is an autotools project named after a recipe', () => {
    const dir = join(top, 'test/fixtures/hello-local');
    const configureAc = readFileSync(join(dir, 'configure.ac'), 'utf8');
    const name = /^AC_INIT\(\[([^\]]+)\]/m.exec(configureAc)?.[1];
    assert.ok(name !== undefined && recipes.some((recipe) => recipe.name === name), `AC_INIT names a recipe (${name})`);
    for (const file of ['Makefile.am', 'hello.c']) assert.ok(existsSync(join(dir, file)), file);
  });
});
