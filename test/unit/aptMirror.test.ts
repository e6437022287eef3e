import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAptMirror } from '../../src/model/root/aptMirror.js';

test('the mirror comes from deb822 URIs first, then the first deb line of sources.list', () => {
  const deb822 = 'Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\n\nTypes: deb\nURIs: http://security.example/debian-security\n';
  assert.equal(parseAptMirror({ deb822, sourcesList: 'deb http://other.example/debian bookworm main\n' }), 'http://mirror.example/debian');
  assert.equal(parseAptMirror({ deb822: '', sourcesList: '# deb http://commented.example/ x\ndeb-src http://src.example/ x\ndeb [arch=amd64 signed-by=/k.gpg] https://list.example/debian bookworm main\n' }), 'https://list.example/debian');
  assert.equal(parseAptMirror({}), null);
});
