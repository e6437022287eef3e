import assert from 'node:assert/strict';
import { errorCodes, type ErrorCode } from '../../src/errors/errorCodes.js';
import type { RunResult } from './cli.js';

/**
 * The CLI failed the way a user should see it: the exit status of `code`, one
 * "hacktree: error[CODE]: message" line that names every string in `names` (the offending
 * member, file or ref), a hint, and no stack trace (the tests never pass -v).
 */
export function assertCliError(result: RunResult, code: ErrorCode, names: readonly string[] = []): void {
  const context = `status ${result.status}, stderr:\n${result.stderr}`;
  assert.equal(result.status, errorCodes[code], `exit status for ${code}; ${context}`);
  const line = new RegExp(`^hacktree: error\\[${code}\\]: (.*)$`, 'm').exec(result.stderr);
  assert.ok(line, `an error[${code}] line; ${context}`);
  for (const name of names) assert.ok(line[1]!.includes(name), `the message names ${JSON.stringify(name)}; ${context}`);
  assert.match(result.stderr, /^ {2}hint: \S/m, `a hint; ${context}`);
  assert.doesNotMatch(result.stderr, /^\s+at /m, `no stack trace without --verbose; ${context}`);
}
