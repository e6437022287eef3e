import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { licenseExpression, recipeLicense } from '../../src/model/recipe/recipeLicense.js';
import { parseRecipe } from '../../src/model/recipe/parseRecipe.js';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';

const at = { recipe: 'hello', file: '/w/recipes/hello_2.12.1.bb', line: 3 };

describe('recipeLicense', () => {
  it('keeps an SPDX expression as it is, and lists its ids', () => {
    const license = licenseExpression('GPL-3.0-or-later OR (MIT AND BSD-3-Clause)', at);
    assert.equal(license.expression, 'GPL-3.0-or-later OR (MIT AND BSD-3-Clause)');
    assert.deepEqual(license.ids, ['BSD-3-Clause', 'GPL-3.0-or-later', 'MIT']);
    assert.deepEqual(license.warnings, []);
  });

  it("maps OpenEmbedded's names and operators to SPDX, with a warning per old name", () => {
    const license = licenseExpression('GPLv3+ & (LGPLv2.1 | MIT)', at);
    assert.equal(license.expression, 'GPL-3.0-or-later AND (LGPL-2.1-only OR MIT)');
    assert.deepEqual(license.warnings, [
      '/w/recipes/hello_2.12.1.bb:3: GPLv3+ is GPL-3.0-or-later in SPDX',
      '/w/recipes/hello_2.12.1.bb:3: LGPLv2.1 is LGPL-2.1-only in SPDX',
    ]);
    assert.deepEqual(licenseExpression('GPL-2.0-only WITH Classpath-exception-2.0', at).ids, ['Classpath-exception-2.0', 'GPL-2.0-only']);
  });

  it('refuses what is not an SPDX expression, naming file:line and the value', () => {
    for (const text of ['GPL3 junk', 'MIT AND', 'MIT $ BSD', 'Not-A-License-1.0']) {
      assert.throws(
        () => licenseExpression(text, at),
        (err) => isHacktreeError(err, 'LICENSE_INVALID') && err.message.startsWith('/w/recipes/hello_2.12.1.bb:3: LICENSE ') && err.message.includes(JSON.stringify(text)),
        text,
      );
    }
  });

  it("reads a parsed recipe's LICENSE and names the line that set it; no LICENSE is an error", () => {
    const parse = (text: string) => parseRecipe({ file: '/w/recipes/hello_2.12.1.bb', text });
    const recipe = parse('SUMMARY = "x"\nLICENSE = "GPLv3+"\n');
    assert.equal(recipeLicense(recipe).expression, 'GPL-3.0-or-later');
    assert.match(recipeLicense(recipe).warnings[0]!, /hello_2\.12\.1\.bb:2: GPLv3\+/);
    assert.throws(() => recipeLicense(parse('SUMMARY = "x"\n')), (err) => isHacktreeError(err, 'LICENSE_INVALID') && /sets no LICENSE/.test(err.message));
  });
});
