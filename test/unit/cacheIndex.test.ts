import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import { cacheIdOfArtifact, cacheIdOfBuild, formatCacheIndex, parseCacheIndex } from '../../src/model/artifact/cacheIndex.js';

const ID = cacheIdOfBuild('build');
const name = (kind: string, id = ID) => `hello-${kind},b=opt,id=${id},o=master,r=3.2-opt-x86_64,v=1,.tar.gz`;
const good = { id: ID, artifacts: [{ file: name('runtime'), sha256: 'a'.repeat(64), size: 3 }, { file: name('devel'), sha256: 'b'.repeat(64), size: 4 }] };

test('the cache id is 32 hex digits of the build id\'s sha256, read back from artifact names', () => {
  assert.match(ID, /^[0-9a-f]{32}$/);
  assert.equal(cacheIdOfArtifact(name('runtime')), ID);
  assert.equal(cacheIdOfArtifact('hello-runtime,b=opt,v=1,.tar.gz'), null);
  assert.equal(cacheIdOfArtifact('not an artifact'), null);
});

test('an index round-trips, sorted by file name', () => {
  const parsed = parseCacheIndex(formatCacheIndex(good), ID, 'test');
  assert.deepEqual(parsed.artifacts.map((a) => a.file), [name('devel'), name('runtime')]);
});

test('an index from a cache is refused when it could write outside artifacts/ or lies about the build', () => {
  const bad: Array<[string, unknown]> = [
    ['not JSON', '{'],
    ['another id', { ...good, id: cacheIdOfBuild('other') }],
    ['a path', { ...good, artifacts: [{ ...good.artifacts[0], file: `../${name('runtime')}` }, good.artifacts[1]] }],
    ['another build\'s artifact', { ...good, artifacts: [{ ...good.artifacts[0], file: name('runtime', cacheIdOfBuild('x')) }, good.artifacts[1]] }],
    ['a bad sha256', { ...good, artifacts: [{ ...good.artifacts[0], sha256: 'xyz' }, good.artifacts[1]] }],
    ['a negative size', { ...good, artifacts: [{ ...good.artifacts[0], size: -1 }, good.artifacts[1]] }],
    ['one kind only', { ...good, artifacts: [good.artifacts[0]] }],
    ['two runtimes', { ...good, artifacts: [good.artifacts[0], good.artifacts[0]] }],
  ];
  for (const [why, value] of bad) {
    assert.throws(() => parseCacheIndex(typeof value === 'string' ? value : JSON.stringify(value), ID, 'cache/by-id/x.json'),
      (err) => isHacktreeError(err, 'CACHE_FAILED') && err.message.includes('cache/by-id/x.json'), why);
  }
});
