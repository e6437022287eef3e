import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openArtifactIndex } from '../../src/store/artifacts/artifactIndex.js';
import { initRepository } from '../../src/store/repository/initRepository.js';
import type { Repository } from '../../src/store/repository/repository.js';
import { makeTempDir } from '../helpers/cli.js';

// The artifact index is a cache: a damaged one is dropped (every tarball is hashed again) and
// written anew on the next save, never an error and never half-read.
let dir: string;
let repo: Repository;
const SHA = 'c'.repeat(64);
const tarball = () => join(dir, 'x-runtime,b=opt,o=master,r=1-opt-x86_64,v=1,.tar.gz');
const indexFile = () => join(repo.statCacheDir, 'artifacts.json');

before(async () => {
  dir = makeTempDir('hacktree-artifact-index');
  repo = await initRepository(join(dir, 'repo'));
  writeFileSync(tarball(), 'not really a tarball\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a remembered sha256 is found again by a later open while the tarball is unchanged', () => {
  const index = openArtifactIndex(repo);
  assert.equal(index.lookup(tarball()), undefined);
  index.remember(tarball(), SHA);
  index.save();
  assert.equal(openArtifactIndex(repo).lookup(tarball()), SHA);
});

for (const [what, text] of [
  ['truncated', () => readFileSync(indexFile(), 'utf8').slice(0, 30)],
  ['of the wrong shape', () => '[["x", "y"]]'],
  ['with a row of the wrong shape', () => JSON.stringify({ [tarball()]: { key: 'k', sha256: SHA }, '/other': 'row' })],
] as const) {
  test(`an index ${what} is a miss for every tarball, and the next save writes a sound one`, () => {
    const sound = openArtifactIndex(repo);
    sound.remember(tarball(), SHA);
    sound.save();
    writeFileSync(indexFile(), text());
    const index = openArtifactIndex(repo);
    assert.equal(index.lookup(tarball()), undefined);
    index.remember(tarball(), SHA);
    index.save();
    assert.equal(openArtifactIndex(repo).lookup(tarball()), SHA);
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(indexFile(), 'utf8'))), [tarball()]);
  });
}
