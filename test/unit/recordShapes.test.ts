import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArtifactIndexRows } from '../../src/model/artifact/artifactIndexRows.js';
import { artifactRecordParser } from '../../src/model/artifact/artifactRecordSchema.js';
import { buildRecordParser, type BuildRecord } from '../../src/model/artifact/buildRecordSchema.js';
import { parseLocalSourcesRecord } from '../../src/model/artifact/localSourcesRecord.js';
import { deployStateParser, type RootDeployState } from '../../src/model/root/deployStateSchema.js';
import { parseStatCacheRows } from '../../src/model/snapshot/statCacheRows.js';

// The shapes of the JSON files hacktree writes and reads back: what each writer writes parses,
// and each kind of damage is refused (records: with the reason; caches: as null, a miss).

const OID = '0123456789abcdef0123456789abcdef01234567';
const SHA = 'a'.repeat(64);

const buildRecord: BuildRecord = {
  recipe: 'liba', root: '1.0-opt-x86_64', flavor: 'opt', buildId: SHA,
  inputs: [{ kind: 'recipe', name: 'recipes/liba_1.0.bb', digest: SHA }, { kind: 'flavor', name: 'flavor', digest: 'opt' }],
  artifacts: ['liba-runtime,b=opt,id=0,o=master,r=1.0-opt-x86_64,v=1.0,.tar.gz'],
};

const deployment = { id: 'd1', commit: OID, branch: 'root/web', deployedAt: '2026-12-07T00:00:00.000Z', dir: '/p/.real/root-web/d1' };
const deployState: RootDeployState = {
  root: 'web', prefix: '/p', publicPath: '/p/root-web',
  current: { ...deployment, id: 'd2', dir: '/p/.real/root-web/d2', base: { commit: OID, dir: '/p/.real/root-web/d1' }, localArtifacts: ['x'], repo: '/r' },
  previous: deployment, older: [],
};

function refused<T>(parse: (text: string) => { ok: true; value: T } | { ok: false; why: string }, text: string, why: RegExp): void {
  const parsed = parse(text);
  assert.equal(parsed.ok, false, text);
  if (!parsed.ok) assert.match(parsed.why, why);
}

test('a build record as writeBuildRecord writes it parses; damage is refused with where it is', () => {
  assert.deepEqual(buildRecordParser.parse(JSON.stringify(buildRecord, null, 2)), { ok: true, value: buildRecord });
  refused(buildRecordParser.parse, JSON.stringify(buildRecord).slice(0, 40), /^it is not valid JSON/);
  refused(buildRecordParser.parse, '[]', /^the record must be object/);
  refused(buildRecordParser.parse, JSON.stringify({ ...buildRecord, buildId: 'short' }), /^buildId must match pattern/);
  refused(buildRecordParser.parse, JSON.stringify({ ...buildRecord, inputs: [{ kind: 'weather', name: 'x', digest: 'y' }] }), /^inputs\.0\.kind must be equal to one of the allowed values/);
  refused(buildRecordParser.parse, JSON.stringify({ ...buildRecord, extra: 1 }), /must NOT have additional properties \(extra\)/);
});

test('a deployment state as writeDeployState writes it parses (with and without a base); damage is refused', () => {
  assert.deepEqual(deployStateParser.parse(JSON.stringify(deployState)), { ok: true, value: deployState });
  assert.equal(deployStateParser.parse(JSON.stringify({ ...deployState, current: null, previous: null })).ok, true);
  refused(deployStateParser.parse, '', /^it is not valid JSON/);
  refused(deployStateParser.parse, JSON.stringify({ ...deployState, older: {} }), /^older must be array/);
  refused(deployStateParser.parse, JSON.stringify({ ...deployState, previous: { ...deployment, dir: 'relative' } }), /^previous/);
  refused(deployStateParser.parse, JSON.stringify({ ...deployState, current: 'd1' }), /^current/);
});

test('an artifact record as importArtifact writes it parses; another shape is refused', () => {
  const record = { fileName: 'x-runtime,b=opt,o=master,r=1-opt-x86_64,v=1,.tar.gz', sha256: SHA, size: 10 };
  assert.deepEqual(artifactRecordParser.parse(`${JSON.stringify(record, null, 2)}\n`), { ok: true, value: record });
  refused(artifactRecordParser.parse, JSON.stringify({ ...record, size: -1 }), /^size must be >= 0/);
  refused(artifactRecordParser.parse, JSON.stringify({ ...record, size: 1.5 }), /^size must be integer/);
  refused(artifactRecordParser.parse, JSON.stringify({ fileName: record.fileName }), /must have required property 'sha256'/);
});

test('stat cache rows: the written array of [path, key, oid] parses into the map; anything else is a miss', () => {
  const rows = parseStatCacheRows(JSON.stringify([['etc/motd', '1:2:3', OID], ['usr', '4:0:5', OID]]));
  assert.deepEqual([...(rows ?? new Map())], [['etc/motd', { key: '1:2:3', oid: OID }], ['usr', { key: '4:0:5', oid: OID }]]);
  assert.deepEqual([...(parseStatCacheRows('[]') ?? [1])], []);
  for (const text of ['[["etc/motd", "1:2:3", "', '{}', 'null', '[["etc/motd", "1:2:3"]]', '[["etc/motd", 1, "x"]]', `[["etc/motd", "k", "${OID.toUpperCase()}"]]`, `[["etc/motd", "k", "${OID}", 4]]`]) {
    assert.equal(parseStatCacheRows(text), null, text);
  }
});

test('artifact index rows: an object of absolute paths to {key, sha256} parses; anything else is a miss', () => {
  assert.deepEqual([...(parseArtifactIndexRows(JSON.stringify({ '/a/x.tar.gz': { key: 'k', sha256: SHA } })) ?? [])], [['/a/x.tar.gz', { key: 'k', sha256: SHA }]]);
  for (const text of ['{"/a": {"key": "k", "sha2', '[]', 'null', JSON.stringify({ 'a/x': { key: 'k', sha256: SHA } }), JSON.stringify({ '/a': { key: 'k', sha256: 'xyz' } }), JSON.stringify({ '/a': null })]) {
    assert.equal(parseArtifactIndexRows(text), null, text);
  }
});

test('a local build\'s sources record: relative paths below the work directory parse; one that could remove anything else is a miss', () => {
  assert.deepEqual(parseLocalSourcesRecord('["configure", "src", "src/a.c", ".hidden/x"]'), ['configure', 'src', 'src/a.c', '.hidden/x']);
  for (const text of ['["configure", ', '{}', '[1]', '["../outside"]', '["src/../../x"]', '["/etc"]', '["a//b"]', '["./a"]', '[""]']) {
    assert.equal(parseLocalSourcesRecord(text), null, text);
  }
});
