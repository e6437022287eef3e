import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import { formatRecipeGraph } from '../../src/model/recipe/formatRecipeGraph.js';
import { parseRecipe } from '../../src/model/recipe/parseRecipe.js';
import { buildClosure, buildOrder, recipeDependencies, recipeEdges, runtimeClosure } from '../../src/model/recipe/recipeGraph.js';
import type { RecipeSet } from '../../src/model/recipe/recipeSet.js';
import { similarNames } from '../../src/model/recipe/similarNames.js';

/** A set from `name -> recipe text`, each parsed as /w/recipes/NAME_1.0.bb. */
function recipeSet(texts: Record<string, string>): RecipeSet {
  const recipes = new Map(Object.entries(texts).map(([name, text]) => [name, parseRecipe({ file: `/w/recipes/${name}_1.0.bb`, text })]));
  return { workspace: '/w', recipes };
}

// app needs libb and liba to build; libb needs liba; tool needs nothing; app runs with libb, libb with liba.
const SET = recipeSet({
  app: 'DEPENDS = "libb liba"\nRDEPENDS:${PN} = "libb"',
  libb: 'DEPENDS = "liba"\nRDEPENDS = "liba (>= 1.0)"',
  liba: '',
  tool: '',
});

describe('recipeGraph', () => {
  it('reads DEPENDS as build dependencies, RDEPENDS and RDEPENDS:${PN} as run-time ones, without version constraints', () => {
    assert.deepEqual(recipeDependencies(SET.recipes.get('app')!, 'build').map((d) => d.name), ['libb', 'liba']);
    assert.deepEqual(recipeDependencies(SET.recipes.get('app')!, 'runtime'), [{ name: 'libb', variable: 'RDEPENDS:app' }]);
    assert.deepEqual(recipeDependencies(SET.recipes.get('libb')!, 'runtime'), [{ name: 'liba', variable: 'RDEPENDS' }]);
  });

  it('buildOrder puts every recipe after what it depends on, and only what was asked for and needs', () => {
    const all = buildOrder(SET);
    assert.deepEqual([...all].sort(), ['app', 'liba', 'libb', 'tool']);
    assert.ok(all.indexOf('liba') < all.indexOf('libb') && all.indexOf('libb') < all.indexOf('app'));
    assert.deepEqual(buildOrder(SET, ['libb']), ['liba', 'libb']);
    assert.deepEqual(buildOrder(SET, ['tool', 'libb']), ['tool', 'liba', 'libb']);
  });

  it('closures: build (in build order) and run time, without the recipe itself', () => {
    assert.deepEqual(buildClosure(SET, 'app'), ['liba', 'libb']);
    assert.deepEqual(runtimeClosure(SET, 'app'), ['liba', 'libb']);
    assert.deepEqual(runtimeClosure(SET, 'liba'), []);
  });

  it('run-time cycles are fine for closures', () => {
    const set = recipeSet({ a: 'RDEPENDS = "b"', b: 'RDEPENDS = "a c"', c: '' });
    assert.deepEqual(runtimeClosure(set, 'a'), ['c', 'b']);
  });

  it('a DEPENDS cycle is DEPENDENCY_CYCLE naming the whole cycle and the DEPENDS that closes it', () => {
    const set = recipeSet({ a: 'DEPENDS = "b"', b: 'X = "1"\nDEPENDS = "c"', c: '\n\nDEPENDS = "a"', d: 'DEPENDS = "a"' });
    for (const run of [() => buildOrder(set), () => buildOrder(set, ['d']), () => buildClosure(set, 'b')]) {
      assert.throws(run, (err: unknown) => {
        assert.ok(isHacktreeError(err, 'DEPENDENCY_CYCLE'), String(err));
        assert.match(err.message, /(a -> b -> c -> a)|(b -> c -> a -> b)/);
        const closer = (err.data.cycle as string[]).at(-2)!;
        const line = { a: 1, b: 2, c: 3 }[closer];
        assert.ok(err.message.startsWith(`/w/recipes/${closer}_1.0.bb:${line}: `), err.message);
        return true;
      });
    }
  });

  it('a recipe depending on itself is a cycle', () => {
    assert.throws(() => buildOrder(recipeSet({ a: 'DEPENDS = "a"' })), (err: unknown) => isHacktreeError(err, 'DEPENDENCY_CYCLE') && err.message.includes('a -> a'));
  });

  it('a DEPENDS or RDEPENDS naming no recipe is DEPENDENCY_MISSING with file:line, also for -native names', () => {
    const cases: Array<[string, string, () => unknown]> = [
      ['DEPENDS = "zlib"', 'zlib', () => buildOrder(recipeSet({ x: 'A = "1"\nDEPENDS = "zlib"' }))],
      ['DEPENDS', 'pkgconfig-native', () => buildClosure(recipeSet({ x: 'A = "1"\nDEPENDS:append = " pkgconfig-native"' }), 'x')],
      ['RDEPENDS:x', 'bash', () => runtimeClosure(recipeSet({ x: 'A = "1"\nRDEPENDS:${PN} = "bash"' }), 'x')],
    ];
    for (const [, missing, run] of cases) {
      assert.throws(run, (err: unknown) => {
        assert.ok(isHacktreeError(err, 'DEPENDENCY_MISSING'), String(err));
        assert.ok(err.message.startsWith('/w/recipes/x_1.0.bb:2: '), err.message);
        assert.ok(err.message.includes(`"${missing}"`), err.message);
        return true;
      });
    }
  });

  it('an unknown recipe name is RECIPE_NOT_FOUND', () => {
    assert.throws(() => buildOrder(SET, ['nope']), (err: unknown) => isHacktreeError(err, 'RECIPE_NOT_FOUND'));
    assert.throws(() => runtimeClosure(SET, 'nope'), (err: unknown) => isHacktreeError(err, 'RECIPE_NOT_FOUND'));
  });

  it('the hint of an unknown recipe guesses the one meant, else lists a short set', () => {
    const hintOf = (name: string): string => {
      try {
        buildOrder(SET, [name]);
      } catch (err) {
        if (isHacktreeError(err, 'RECIPE_NOT_FOUND')) return err.hint ?? '';
        throw err;
      }
      throw new Error(`${name} was found`);
    };
    assert.match(hintOf('libc'), /^did you mean "liba", "libb"\? /);
    assert.match(hintOf('ap'), /^did you mean "app"\? /);
    assert.match(hintOf('zzzzzz'), /^the recipes are app, liba, libb, tool; /);
  });

  it('similarNames: containment and typos, closest first, nothing for a far name', () => {
    assert.deepEqual(similarNames('helo', ['hello', 'help', 'gzip']), ['hello', 'help']);
    assert.deepEqual(similarNames('Hello', ['hello-native', 'hello']), ['hello', 'hello-native']);
    assert.deepEqual(similarNames('sde', ['sed', 'gzip']), []);
    assert.deepEqual(similarNames('libsigsev', ['libsigsegv', 'm4']), ['libsigsegv']);
  });

  it('edges and their text and graphviz forms', () => {
    const edges = recipeEdges(SET, 'build');
    assert.deepEqual(edges.map((e) => `${e.from}>${e.to}`), ['app>libb', 'app>liba', 'libb>liba']);
    assert.deepEqual(formatRecipeGraph(['app', 'liba', 'libb', 'tool'], edges), ['app -> libb', 'app -> liba', 'libb -> liba', 'tool']);
    const dot = formatRecipeGraph(['app', 'liba', 'libb', 'tool'], recipeEdges(SET, 'runtime'), { dot: true });
    assert.equal(dot[0], 'digraph recipes {');
    assert.ok(dot.includes('  "app" -> "libb" [style=dashed];'));
    assert.ok(dot.includes('  "tool";'));
  });
});
