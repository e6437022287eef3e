import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { errorCodes, type ErrorCode } from '../../src/errors/errorCodes.js';

// docs/errors.md is the user's reference for every code hacktree can print: a code added to
// errorCodes.ts without a section there, or a section left for a code that does not exist, is a
// hole in it. The CLI renders anything that is not a HacktreeError as INTERNAL (status 70), which
// the page explains without being a code of errorCodes.ts.
const clone = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const page = readFileSync(join(clone, 'docs/errors.md'), 'utf8');
const codes = Object.keys(errorCodes) as ErrorCode[];
const isCode = (name: string): name is ErrorCode => Object.hasOwn(errorCodes, name);

/** The `### CODE` sections, each with its first line ("Status N. ..."). */
function sections(): Array<{ code: string; firstLine: string }> {
  const lines = page.split('\n');
  return lines.flatMap((line, i) => {
    const m = /^### (\S+)\s*$/.exec(line);
    return m?.[1] ? [{ code: m[1], firstLine: lines[i + 1] ?? '' }] : [];
  });
}

/** The exit status table: `| N | CODE, CODE (a note), ... |`, notes in parentheses dropped. */
function statusRows(): Array<{ status: number; code: string }> {
  return page.split('\n').flatMap((line) => {
    const m = /^\| (\d+) \| (.+) \|$/.exec(line);
    if (!m?.[1] || !m[2]) return [];
    const status = Number(m[1]);
    return m[2].replace(/\([^)]*\)/g, '').split(',').map((code) => ({ status, code: code.trim() }));
  });
}

test('every error code has a section in docs/errors.md, and every section is a code, once', () => {
  const documented = sections().map((s) => s.code);
  assert.deepEqual(codes.filter((code) => !documented.includes(code)), [], 'codes without a section');
  assert.deepEqual(documented.filter((code) => !isCode(code)), [], 'sections for codes that do not exist');
  assert.deepEqual(documented.filter((code, i) => documented.indexOf(code) !== i), [], 'codes with two sections');
});

test('each section starts with the exit status the code maps to', () => {
  for (const { code, firstLine } of sections()) {
    if (!isCode(code)) continue;
    assert.ok(firstLine.startsWith(`Status ${errorCodes[code]}. `), `${code}: "${firstLine}" should start with "Status ${errorCodes[code]}. "`);
  }
});

test('the exit status table lists every code once, with its status, and nothing else but INTERNAL', () => {
  const rows = statusRows();
  assert.deepEqual(rows.find((r) => r.code === 'INTERNAL'), { status: 70, code: 'INTERNAL' });
  const listed = rows.filter((r) => r.code !== 'INTERNAL');
  assert.deepEqual(listed.filter((r) => !isCode(r.code)), [], 'the table names codes that do not exist');
  assert.deepEqual(listed.filter((r) => isCode(r.code) && errorCodes[r.code] !== r.status), [], 'codes in the wrong status row');
  const names = listed.map((r) => r.code);
  assert.deepEqual(codes.filter((code) => !names.includes(code)), [], 'codes missing from the table');
  assert.deepEqual(names.filter((code, i) => names.indexOf(code) !== i), [], 'codes listed twice');
});

test('every error[CODE] the README or the manual shows is a code', () => {
  const pages = ['README.md', 'docs/README.md', 'docs/errors.md', 'docs/recipes.md', 'docs/building.md', 'docs/roots.md', 'docs/local.md', 'docs/config.md', 'docs/remotes.md', 'docs/repository.md', 'docs/operations.md'];
  for (const path of pages) {
    const text = readFileSync(join(clone, path), 'utf8');
    const shown = [...text.matchAll(/error\[([A-Z_]+)\]/g)].map((m) => m[1] ?? '');
    assert.deepEqual(shown.filter((code) => code !== 'CODE' && code !== 'INTERNAL' && !isCode(code)), [], path);
  }
});
