import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import { artifactArch, canonicalArch, debianArch, nativeBuildOf, parseArchOption } from '../../src/model/root/arch.js';
import { parseArtifactName } from '../../src/model/artifact/artifactName.js';
import { parseRootDefinition } from '../../src/model/root/rootDefinition.js';
import { buildIdOf, type BuildInput } from '../../src/model/artifact/buildInputs.js';

const definition = (arches: unknown) => parseRootDefinition(JSON.stringify({ version: '1', arches, runtime: ['a'] }), 'roots/1.json');

describe('architectures', () => {
  it('root names and artifacts carry x86_64, i686 and aarch64; ia32 is another name for i686', () => {
    assert.equal(canonicalArch('x86_64'), 'x86_64');
    assert.equal(canonicalArch('i686'), 'i686');
    assert.equal(canonicalArch('ia32'), 'i686');
    assert.equal(canonicalArch('aarch64'), 'aarch64');
    assert.equal(canonicalArch('amd64'), undefined, "Debian's names are not root names");
    assert.equal(canonicalArch('toString'), undefined, 'no inherited property is an alias');
    assert.deepEqual(['x86_64', 'i686', 'aarch64'].map((a) => debianArch(canonicalArch(a)!)), ['amd64', 'i386', 'arm64']);
  });

  it('an x86_64 machine builds i686 under a personality, and aarch64 not natively', () => {
    assert.equal(nativeBuildOf('x86_64', 'x86_64'), 'same');
    assert.equal(nativeBuildOf('x86_64', 'i686'), 'personality');
    assert.equal(nativeBuildOf('x86_64', 'aarch64'), 'foreign');
    assert.equal(nativeBuildOf('aarch64', 'i686'), 'foreign');
  });

  it('a definition\'s arches are read as canonical names, each once', () => {
    assert.deepEqual(definition(['x86_64', 'ia32']).arches, ['x86_64', 'i686']);
    assert.deepEqual(definition(['aarch64']).arches, ['aarch64']);
  });

  it('an unknown, repeated or missing arch in a definition is ROOT_DEFINITION_INVALID naming the file and the value', () => {
    assert.throws(() => definition(['x86_64', 'sparc64']), (err: unknown) =>
      isHacktreeError(err, 'ROOT_DEFINITION_INVALID') && /roots\/1\.json/.test(err.message) && /unknown architecture "sparc64"/.test(err.message) && err.data?.arch === 'sparc64');
    assert.throws(() => definition(['i686', 'ia32']), (err: unknown) => isHacktreeError(err, 'ROOT_DEFINITION_INVALID') && /names i686 twice \(ia32 is i686\)/.test(err.message));
    assert.throws(() => definition([]), (err: unknown) => isHacktreeError(err, 'ROOT_DEFINITION_INVALID') && /names no architecture/.test(err.message));
  });

  it('--arch takes names and aliases, comma-separated or repeated; an unknown one is a usage error', () => {
    assert.deepEqual(parseArchOption(['ia32,x86_64', 'i686']), ['i686', 'x86_64']);
    assert.throws(() => parseArchOption(['mips']), (err: unknown) => isHacktreeError(err, 'USAGE') && /"mips"/.test(err.message));
  });

  it('an artifact name without a= is x86_64 (names written before arches); with a=, that arch', () => {
    const old = parseArtifactName('hello-runtime,b=opt,o=master,r=3.2-opt-x86_64,v=2.10,.tar.gz');
    assert.equal(artifactArch(old.keys), 'x86_64');
    const i686 = parseArtifactName('hello-runtime,a=i686,b=opt,o=master,r=3.2-opt-i686,v=2.10,.tar.gz');
    assert.equal(artifactArch(i686.keys), 'i686');
  });

  it('the arch is a build input of its own: the same inputs for two arches give two build ids', () => {
    const inputs = (arch: string): BuildInput[] => [{ kind: 'recipe', name: 'recipes/hello.bb', digest: 'ab' }, { kind: 'arch', name: 'arch', digest: arch }];
    assert.notEqual(buildIdOf(inputs('x86_64')), buildIdOf(inputs('i686')));
  });
});
