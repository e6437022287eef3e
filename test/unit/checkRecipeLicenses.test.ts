import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkRecipeLicenses } from '../../src/builder/recipes/checkRecipeLicenses.js';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import { makeRecipe } from '../helpers/makeRecipe.js';

const recipe = (name: string, license: string) => makeRecipe({ file: `/w/recipes/${name}_1.0.bb`, name, vars: { SUMMARY: name, LICENSE: license } });

describe('checkRecipeLicenses', () => {
  it('gives each recipe its SPDX expression; old names warn once per recipe, however often it is listed', () => {
    const warnings: string[] = [];
    const old = recipe('old', 'GPLv2+ & BSD-3-Clause');
    const licenses = checkRecipeLicenses([old, recipe('new', 'MIT'), old], (w) => warnings.push(w));
    assert.deepEqual([...licenses].map(([name, l]) => [name, l.expression]), [['old', 'GPL-2.0-or-later AND BSD-3-Clause'], ['new', 'MIT']]);
    assert.deepEqual(warnings, ['/w/recipes/old_1.0.bb:2: GPLv2+ is GPL-2.0-or-later in SPDX']);
  });

  it('names every invalid LICENSE in one error, on one line, and gives no warnings then', () => {
    const warnings: string[] = [];
    assert.throws(
      () => checkRecipeLicenses([recipe('a', 'GPLv3'), recipe('b', 'MIT AND'), recipe('c', 'Nope-1.0')], (w) => warnings.push(w)),
      (err) => isHacktreeError(err, 'LICENSE_INVALID') && /^2 recipes have no valid LICENSE: /.test(err.message) && err.message.includes('/w/recipes/b_1.0.bb:2') && err.message.includes('/w/recipes/c_1.0.bb:2') && !err.message.includes('\n'),
    );
    assert.deepEqual(warnings, []);
    assert.throws(() => checkRecipeLicenses([recipe('b', 'MIT AND')]), (err) => isHacktreeError(err, 'LICENSE_INVALID') && err.message.startsWith('/w/recipes/b_1.0.bb:2: '));
  });
});
