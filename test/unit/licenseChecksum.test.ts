import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import { hashLicenseLines, parseLicenseChecksums } from '../../src/model/recipe/licenseChecksum.js';
import { makeRecipe } from '../helpers/makeRecipe.js';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const TEXT = 'line one\nline two\r\nline three\nline four';

describe('hashLicenseLines', () => {
  it('hashes the whole file when no range is given', () => {
    const hashed = hashLicenseLines(Buffer.from(TEXT), undefined, undefined);
    assert.equal(hashed.md5, md5(TEXT));
    assert.deepEqual(hashed.lines.map((line) => line.number), [1, 2, 3, 4]);
  });

  it('hashes raw lines beginline..endline, 1-based and inclusive, with their line ends', () => {
    assert.equal(hashLicenseLines(Buffer.from(TEXT), 2, 3).md5, md5('line two\r\nline three\n'));
    assert.deepEqual(hashLicenseLines(Buffer.from(TEXT), 2, 3).lines, [
      { number: 2, text: 'line two' },
      { number: 3, text: 'line three' },
    ]);
    assert.equal(hashLicenseLines(Buffer.from(TEXT), 3, undefined).md5, md5('line three\nline four'));
    assert.equal(hashLicenseLines(Buffer.from(TEXT), undefined, 1).md5, md5('line one\n'));
  });
});

describe('parseLicenseChecksums', () => {
  const recipe = (value: string) => makeRecipe({ file: '/ws/recipes/hello_1.0.bb', vars: { LICENSE: 'GPL-3.0-or-later', LIC_FILES_CHKSUM: value } });

  it('reads md5, beginline/endline and startline as beginline', () => {
    const sum = 'd32239bcb673463ab874e80d47fae504';
    assert.deepEqual(parseLicenseChecksums(recipe(`file://COPYING;md5=${sum} file://src/main.c;startline=3;endline=9;md5=${sum.toUpperCase()}`)), [
      { word: `file://COPYING;md5=${sum}`, path: 'COPYING', md5: sum, beginLine: undefined, endLine: undefined },
      { word: `file://src/main.c;startline=3;endline=9;md5=${sum.toUpperCase()}`, path: 'src/main.c', md5: sum, beginLine: 3, endLine: 9 },
    ]);
  });

  it('refuses entries without md5, with unknown parameters or bad lines, naming file:line', () => {
    for (const [value, reason] of [
      ['file://COPYING', /no md5=/],
      ['file://COPYING;md5=xyz', /no md5=/],
      ['file://COPYING;md5=d32239bcb673463ab874e80d47fae504;sha256=1', /unknown parameter/],
      ['file://COPYING;md5=d32239bcb673463ab874e80d47fae504;endline=x', /not a line number/],
      ['https://h/COPYING;md5=d32239bcb673463ab874e80d47fae504', /not a file:\/\/ URL/],
    ] as const) {
      assert.throws(() => parseLicenseChecksums(recipe(value)), (err: unknown) => {
        assert.ok(isHacktreeError(err, 'RECIPE_INVALID'));
        assert.match(err.message, /^\/ws\/recipes\/hello_1\.0\.bb:2: /);
        assert.match(err.message, reason);
        return true;
      });
    }
  });
});
