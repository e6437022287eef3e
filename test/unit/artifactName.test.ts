import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { artifactFileName, formatArtifactName, parseArtifactName, type ArtifactName } from '../../src/model/artifact/artifactName.js';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';

const DESIGN_EXAMPLE = 'gdk-pixbuf-runtime,o=master,r=3.2-opt-x86_64,b=opt,v=2.24.0-10-g1d39095,.tar.gz';

function rejects(fileName: string, reason: RegExp): void {
  assert.throws(() => parseArtifactName(fileName), (err: unknown) => {
    assert.ok(isHacktreeError(err, 'ARTIFACT_NAME_INVALID'), `expected ARTIFACT_NAME_INVALID, got ${String(err)}`);
    assert.match(err.message, reason);
    assert.ok(err.message.includes(JSON.stringify(fileName)), 'the message names the file');
    return true;
  });
}

describe('parseArtifactName', () => {
  it('parses the DESIGN example, whose keys are not sorted', () => {
    assert.deepEqual(parseArtifactName(DESIGN_EXAMPLE), {
      name: 'gdk-pixbuf',
      kind: 'runtime',
      keys: { o: 'master', r: '3.2-opt-x86_64', b: 'opt', v: '2.24.0-10-g1d39095' },
    });
  });

  it('formats the DESIGN example with sorted keys', () => {
    assert.equal(
      formatArtifactName(parseArtifactName(DESIGN_EXAMPLE)),
      'gdk-pixbuf-runtime,b=opt,o=master,r=3.2-opt-x86_64,v=2.24.0-10-g1d39095,.tar.gz',
    );
  });

  it('splits at the last dash, so names may contain dashes and even kind words', () => {
    assert.deepEqual(parseArtifactName('foo-runtime-devel,v=1,.tar.gz'), { name: 'foo-runtime', kind: 'devel', keys: { v: '1' } });
    assert.deepEqual(parseArtifactName('libstdc++-devel,.tar.gz'), { name: 'libstdc++', kind: 'devel', keys: {} });
  });

  it('keeps unknown keys', () => {
    const parsed = parseArtifactName('x-devel,zz=later,a=x86_64,v=1.0,.tar.gz');
    assert.deepEqual(parsed.keys, { zz: 'later', a: 'x86_64', v: '1.0' });
    assert.equal(formatArtifactName(parsed), 'x-devel,a=x86_64,v=1.0,zz=later,.tar.gz');
  });

  it('round-trips: parse(format(x)) == x and format(parse(s)) == s for canonical s', () => {
    const samples: ArtifactName[] = [
      { name: 'glib-2.0', kind: 'devel', keys: { o: 'local', r: '3.2-debug-aarch64', b: 'debug', v: '2.80.0+git1~rc2:3' } },
      { name: 'a', kind: 'runtime', keys: {} },
      { name: 'gtk+3', kind: 'runtime', keys: { v: '3.24', x_y: 'v.a_l-u+e' } },
    ];
    for (const sample of samples) {
      const fileName = artifactFileName(sample);
      assert.deepEqual(parseArtifactName(fileName), sample);
      assert.equal(formatArtifactName(parseArtifactName(fileName)), fileName);
    }
  });

  it('rejects every malformed part, naming it', () => {
    rejects('gdk-pixbuf-runtime,o=master,.tar', /missing trailing ',\.tar\.gz'/);
    rejects('gdk-pixbuf-runtime,o=master.tar.gz', /missing trailing ',\.tar\.gz'/);
    rejects('gdk-pixbuf-foo,o=master,.tar.gz', /unknown kind 'foo'/);
    rejects('gdkpixbuf,o=master,.tar.gz', /has no '-KIND'/);
    rejects('-runtime,v=1,.tar.gz', /empty name/);
    rejects('.hidden-runtime,v=1,.tar.gz', /name '\.hidden'/);
    rejects('a b-runtime,v=1,.tar.gz', /name 'a b'/);
    rejects('x-runtime,b,.tar.gz', /key 'b' has no value/);
    rejects('x-runtime,b=,.tar.gz', /key 'b' has no value/);
    rejects('x-runtime,=opt,.tar.gz', /empty key/);
    rejects('x-runtime,B=opt,.tar.gz', /key 'B' must be lowercase/);
    rejects('x-runtime,v=1,,b=opt,.tar.gz', /empty item/);
    rejects('x-runtime,v=1,v=2,.tar.gz', /key 'v' appears twice/);
    rejects('x-runtime,v=1=2,.tar.gz', /key 'v' has value "1=2"/);
    rejects('x-runtime,v=a\0b,.tar.gz', /key 'v' has value/);
    rejects('x-runtime,v=a\nb,.tar.gz', /key 'v' has value/);
    rejects('x-runtime,b=fast,.tar.gz', /key 'b' has value 'fast', expected opt or debug/);
    rejects('x-runtime,o=mine,.tar.gz', /key 'o' has value 'mine', expected master or local/);
    rejects('dir/x-runtime,v=1,.tar.gz', /contains '\/'/);
  });
});

describe('formatArtifactName', () => {
  function formatRejects(artifact: ArtifactName, reason: RegExp): void {
    assert.throws(() => formatArtifactName(artifact), (err: unknown) => {
      assert.ok(isHacktreeError(err, 'ARTIFACT_NAME_INVALID'));
      assert.match(err.message, reason);
      return true;
    });
  }

  it('refuses to write a name it could not read back', () => {
    formatRejects({ name: 'a,b', kind: 'runtime', keys: {} }, /name 'a,b'/);
    formatRejects({ name: '../etc', kind: 'runtime', keys: {} }, /name '\.\.\/etc'/);
    formatRejects({ name: '', kind: 'runtime', keys: {} }, /empty name/);
    formatRejects({ name: 'a', kind: 'sdk' as 'runtime', keys: {} }, /unknown kind 'sdk'/);
    formatRejects({ name: 'a', kind: 'devel', keys: { v: '1/2' } }, /key 'v' has value "1\/2"/);
    formatRejects({ name: 'a', kind: 'devel', keys: { v: '' } }, /key 'v' has no value/);
    formatRejects({ name: 'a', kind: 'devel', keys: { 'k=': 'x' } }, /key 'k=' must be lowercase/);
  });
});
