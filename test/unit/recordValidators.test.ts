import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { RECORD_VALIDATORS_FILE, recordValidatorsSource } from '../helpers/recordValidatorsSource.js';

test('the compiled record validators are those of the schemas as they are now', () => {
  assert.equal(readFileSync(RECORD_VALIDATORS_FILE, 'utf8'), recordValidatorsSource(), `${RECORD_VALIDATORS_FILE} is stale: run "npm run --silent schemas" and commit it`);
});
