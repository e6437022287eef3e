import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { refusedLicenses } from '../../src/model/root/refusedLicenses.js';
import { parseRootDefinition } from '../../src/model/root/rootDefinition.js';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';

describe('refusedLicenses', () => {
  it('a single id is refused when the root refuses it, exactly: -only and -or-later are different ids', () => {
    assert.deepEqual(refusedLicenses('GPL-3.0-only', ['GPL-3.0-only']), ['GPL-3.0-only']);
    assert.deepEqual(refusedLicenses('GPL-3.0-or-later', ['GPL-3.0-only']), []);
    assert.deepEqual(refusedLicenses('GPL-3.0-only', ['GPL-3.0-or-later']), []);
    assert.deepEqual(refusedLicenses('MIT', []), []);
  });

  it('A OR B is accepted when either is; A AND B is refused when either is', () => {
    assert.deepEqual(refusedLicenses('GPL-3.0-only OR MIT', ['GPL-3.0-only']), []);
    assert.deepEqual(refusedLicenses('GPL-3.0-only OR AGPL-3.0-only', ['GPL-3.0-only', 'AGPL-3.0-only']), ['GPL-3.0-only', 'AGPL-3.0-only']);
    assert.deepEqual(refusedLicenses('MIT AND GPL-3.0-only', ['GPL-3.0-only']), ['GPL-3.0-only']);
    assert.deepEqual(refusedLicenses('(GPL-3.0-only OR MIT) AND BSD-3-Clause', ['GPL-3.0-only']), []);
    assert.deepEqual(refusedLicenses('(GPL-3.0-only AND Zlib) OR (MIT AND GPL-3.0-only)', ['GPL-3.0-only']), ['GPL-3.0-only']);
  });

  it('ID WITH EXCEPTION is refused when ID is, or when the whole is', () => {
    assert.deepEqual(refusedLicenses('GPL-2.0-only WITH Classpath-exception-2.0', ['GPL-2.0-only']), ['GPL-2.0-only']);
    assert.deepEqual(refusedLicenses('GPL-2.0-only WITH Classpath-exception-2.0', ['GPL-2.0-only WITH Classpath-exception-2.0']), ['GPL-2.0-only WITH Classpath-exception-2.0']);
    assert.deepEqual(refusedLicenses('GPL-2.0-only', ['GPL-2.0-only WITH Classpath-exception-2.0']), []);
  });
});

describe('root definition "refuse"', () => {
  const def = (refuse: unknown) => parseRootDefinition(JSON.stringify({ version: '1.0', arches: ['x86_64'], runtime: [], refuse }), 'roots/1.0.json');

  it('takes SPDX license ids', () => {
    assert.deepEqual(def(['GPL-3.0-only', 'AGPL-3.0-or-later']).refuse, ['GPL-3.0-only', 'AGPL-3.0-or-later']);
    assert.equal(parseRootDefinition('{"version":"1.0","arches":["x86_64"],"runtime":[]}', 'x').refuse, undefined);
  });

  it('refuses what is not one SPDX id as SPDX spells it, naming the entry', () => {
    for (const [refuse, words] of [
      ['GPL-3.0-only', ['must be a list']],
      [['GPLv3'], ['"GPLv3"', 'SPDX spells it GPL-3.0-only']],
      [['Not-A-License'], ['"Not-A-License"', 'not an SPDX license id']],
      [['MIT OR GPL-3.0-only'], ['one license id per entry']],
      [[3], ['must be a list']],
    ] as Array<[unknown, string[]]>) {
      assert.throws(() => def(refuse), (err) => isHacktreeError(err, 'ROOT_DEFINITION_INVALID') && err.message.startsWith('root definition roots/1.0.json: ') && words.every((w) => err.message.includes(w)), JSON.stringify(refuse));
    }
  });
});
