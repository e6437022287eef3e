import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePackedRefs } from '../../src/model/git/packedRefs.js';
import { parseRefFile } from '../../src/model/git/refFile.js';
import { isValidRefName, validateUserBranchName } from '../../src/model/git/refName.js';

const OID = '0123456789abcdef0123456789abcdef01234567';

test('root commit may write plain branches and root-NAME, under refs/heads/', () => {
  for (const name of ['keep', 'root-w1', 'root-3.2-runtime-opt-x86_64', 'feature/x', 'base', 'local', 'my.branch_2', 'HEADS']) {
    assert.equal(validateUserBranchName(name), name);
  }
});

test('root commit refuses full refs, HEAD, "-x", commit ids, hacktree namespaces and what git check-ref-format refuses', () => {
  const refused: Array<[string, RegExp]> = [
    [`refs/hacktree/artifacts/${'a'.repeat(64)}`, /full ref name/],
    ['refs/heads/keep', /full ref name/],
    ['refs/tags/v1', /full ref name/],
    ['HEAD', /HEAD is not a branch name/],
    ['-x', /cannot start with "-"/],
    [OID, /read as a commit id/],
    ['local/root-1.0-runtime-opt-x86_64', /root install-local/],
    ['base/debian-bookworm-x86_64', /hacktree bootstrap/],
    ['a..b', /not a valid branch or ref name/],
    ['x.lock', /not a valid branch or ref name/],
    ['a b', /not a valid branch or ref name/],
    ['', /not a valid branch or ref name/],
    ['trailing/', /not a valid branch or ref name/],
    ['.hidden', /not a valid branch or ref name/],
    ['a@{1}', /not a valid branch or ref name/],
    ['a'.repeat(5000), /5000 bytes long; a ref name may have at most 1024/],
    [`team/${'b'.repeat(251)}`, /a component between "\/" is 251 bytes long/],
    [`é${'b'.repeat(249)}`, /251 bytes long/],
  ];
  for (const [name, message] of refused) {
    assert.throws(() => validateUserBranchName(name), { code: 'REF_NAME_INVALID', message }, JSON.stringify(name));
  }
  assert.ok(isValidRefName('refs/heads/a/b') && !isValidRefName('refs/heads/a.lock') && !isValidRefName('refs/heads/.swp'));
  // The longest component that leaves room for ".lock" in a file name, in a name of 1024 bytes.
  const longest = Array.from({ length: 4 }, (_, i) => String(i).repeat(250)).join('/').slice(0, 1024);
  assert.equal(validateUserBranchName(longest), longest);
});

test('a loose ref file is an id, a symbolic ref, or says what is wrong with it (never "absent")', () => {
  assert.deepEqual(parseRefFile(`${OID}\n`), { kind: 'oid', oid: OID });
  assert.deepEqual(parseRefFile('ref: refs/heads/main\n'), { kind: 'symbolic', target: 'refs/heads/main' });
  const invalid: Array<[string, RegExp]> = [
    ['', /empty/],
    ['\n', /empty/],
    ['garbage\n', /holds "garbage"/],
    [`${OID.slice(0, 39)}\n`, /39-digit id/],
    [`${OID}${OID.slice(0, 24)}\n`, /64-digit id/],
    [`${OID.toUpperCase()}\n`, /upper case/],
    [`${OID} extra\n`, /not a 40-digit commit id/],
    ['ref: ../../etc\n', /not a ref name under refs/],
    ['ref: main\n', /not a ref name under refs/],
  ];
  for (const [text, detail] of invalid) {
    const parsed = parseRefFile(text);
    assert.equal(parsed.kind, 'invalid', JSON.stringify(text));
    assert.match((parsed as { detail: string }).detail, detail);
  }
  assert.ok((parseRefFile('x'.repeat(10_000)) as { detail: string }).detail.length < 200, 'a huge file is quoted by its start');
});

test('packed-refs: every line that is not a ref, a peeled id or a comment is reported, with the ref it names when it names one', () => {
  const text = [
    '# pack-refs with: peeled fully-peeled sorted ',
    `${OID} refs/heads/good`,
    `^${OID}`,
    `${OID.slice(0, 39)} refs/heads/short`,
    'hello',
    `^${OID.slice(1)}`,
    `${OID} not-under-refs`,
    '',
  ].join('\n');
  const { refs, bad } = parsePackedRefs(text);
  assert.deepEqual([...refs], [['refs/heads/good', OID]]);
  assert.deepEqual(bad.map((b) => [b.line, b.ref]), [[4, 'refs/heads/short'], [5, null], [6, null], [7, null]]);
  assert.match(bad[0]!.detail, /refs\/heads\/short" is not "<40-digit id> <ref>"/);
});
