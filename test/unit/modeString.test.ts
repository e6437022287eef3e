import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatModeString, formatOctalMode } from '../../src/model/snapshot/modeString.js';

test('modes read as ls -l shows them', () => {
  assert.equal(formatModeString('file', 0o4755), '-rwsr-xr-x');
  assert.equal(formatModeString('file', 0o2644), '-rw-r-Sr--');
  assert.equal(formatModeString('dir', 0o1777), 'drwxrwxrwt');
  assert.equal(formatModeString('dir', 0o1776), 'drwxrwxrwT');
  assert.equal(formatModeString('symlink', 0o777), 'lrwxrwxrwx');
  assert.equal(formatModeString('chardev', 0o666), 'crw-rw-rw-');
  assert.equal(formatModeString('fifo', 0o600), 'prw-------');
  assert.equal(formatOctalMode(0o755), '0755');
  assert.equal(formatOctalMode(0o4755), '4755');
});
