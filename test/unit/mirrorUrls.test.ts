import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import { mirrorUrl, mirrorUrls, parseMirrorList, recipeMirrors } from '../../src/model/recipe/mirrorUrls.js';
import { makeRecipe } from '../helpers/makeRecipe.js';

/** [url, file name, pattern, replacement, expected]: BitBake's own MirrorUriTest cases for http(s) and file mirrors. */
const BITBAKE_CASES: [string, string, string, string, string][] = [
  ['http://somewhere.org/somedir1/somedir2/somefile_1.2.3.tar.gz', 'somefile_1.2.3.tar.gz', 'http://.*/.*', 'http://somewhere2.org/somedir3', 'http://somewhere2.org/somedir3/somefile_1.2.3.tar.gz'],
  ['http://somewhere.org/somedir1/somefile_1.2.3.tar.gz', 'somefile_1.2.3.tar.gz', 'http://somewhere.org/somedir1/somefile_1.2.3.tar.gz', 'http://somewhere2.org/somedir3/somefile_1.2.3.tar.gz', 'http://somewhere2.org/somedir3/somefile_1.2.3.tar.gz'],
  ['http://www.apache.org/dist/subversion/subversion-1.7.1.tar.bz2', 'subversion-1.7.1.tar.bz2', 'http://www.apache.org/dist', 'http://archive.apache.org/dist', 'http://archive.apache.org/dist/subversion/subversion-1.7.1.tar.bz2'],
  ['http://www.apache.org/dist/subversion/subversion-1.7.1.tar.bz2', 'subversion-1.7.1.tar.bz2', 'http://.*/.*', 'file:///somepath/downloads/', 'file:///somepath/downloads/subversion-1.7.1.tar.bz2'],
  ['http://somewhere.org/somedir1/somedir2/somefile_1.2.3.tar.gz', 'somefile_1.2.3.tar.gz', 'http://.*/.*', 'http://somewhere2.org', 'http://somewhere2.org/somefile_1.2.3.tar.gz'],
  ['http://somewhere.org/somedir1/somedir2/somefile_1.2.3.tar.gz', 'somefile_1.2.3.tar.gz', 'http://.*/.*', 'http://somewhere2.org/', 'http://somewhere2.org/somefile_1.2.3.tar.gz'],
  ['https://somewhere.org/example/1.0.0/example', 'some-example-1.0.0.tgz', 'https://.*/.*', 'file:///mirror/PATH', 'file:///mirror/example/1.0.0/some-example-1.0.0.tgz'],
  ['https://somewhere.org/example-1.0.0.tgz', 'some-example-1.0.0.tgz', 'https://.*/.*', 'file:///mirror/some-example-1.0.0.tgz', 'file:///mirror/some-example-1.0.0.tgz'],
];

describe('mirrorUrl (BitBake uri_replace)', () => {
  for (const [url, fileName, find, replace, expected] of BITBAKE_CASES) {
    it(`${url} with ${find} -> ${replace}`, () => {
      assert.equal(mirrorUrl(url, fileName, { find, replace }), expected);
    });
  }

  it('anchors the type: an http pattern does not match https', () => {
    const rules = parseMirrorList('http://.*/.* file:///somepath/downloads/ https://.*/.* file:///someotherpath/downloads/');
    assert.deepEqual(mirrorUrls('https://downloads.yoctoproject.org/releases/bitbake/bitbake-1.0.tar.gz', 'bitbake-1.0.tar.gz', rules), [
      'file:///someotherpath/downloads/bitbake-1.0.tar.gz',
    ]);
  });

  it('keeps what the path pattern did not match (BitBake test_recursive, first level)', () => {
    const rules = parseMirrorList('https://.*/[^/]*    http://aaaa/A/A/A/ \\n https://.*/[^/]*    https://bbbb/B/B/B/');
    assert.deepEqual(mirrorUrls('https://downloads.yoctoproject.org/releases/bitbake/bitbake-1.0.tar.gz', 'bitbake-1.0.tar.gz', rules), [
      'http://aaaa/A/A/A/bitbake/bitbake-1.0.tar.gz',
      'https://bbbb/B/B/B/bitbake/bitbake-1.0.tar.gz',
    ]);
  });

  it('substitutes \\1 groups and the BASENAME, HOST, MIRRORNAME tokens', () => {
    assert.equal(
      mirrorUrl('https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz', 'hello-2.12.tar.gz', { find: 'https://ftp.gnu.org/gnu/([^/]+)/.*', replace: 'http://127.0.0.1:8080/pool/\\1/BASENAME' }),
      'http://127.0.0.1:8080/pool/hello/hello-2.12.tar.gz',
    );
    assert.equal(
      mirrorUrl('https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz', 'hello-2.12.tar.gz', { find: 'https://.*/.*', replace: 'http://cache/HOST/' }),
      'http://cache/ftp.gnu.org/hello-2.12.tar.gz',
    );
    assert.equal(
      mirrorUrl('https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz', 'hello-2.12.tar.gz', { find: 'https://.*/.*', replace: 'http://cache/MIRRORNAME' }),
      'http://cache/ftp.gnu.org.gnu.hello.hello-2.12.tar.gz/hello-2.12.tar.gz',
    );
  });

  it('uses the replacement as the file when the pattern is anchored at the end of the path (hacktree, not BitBake)', () => {
    const rule = { find: '^https://ftp\\.gnu\\.org/gnu/gzip/gzip-1\\.12\\.tar\\.xz$', replace: 'http://deb.debian.org/debian/pool/main/g/gzip/gzip_1.12.orig.tar.xz' };
    assert.equal(mirrorUrl('https://ftp.gnu.org/gnu/gzip/gzip-1.12.tar.xz', 'gzip-1.12.tar.xz', rule), 'http://deb.debian.org/debian/pool/main/g/gzip/gzip_1.12.orig.tar.xz');
    const directory = { find: '^https://ftp\\.gnu\\.org/gnu/gzip/gzip-1\\.12\\.tar\\.xz$', replace: 'http://mirror/gnu/' };
    assert.equal(mirrorUrl('https://ftp.gnu.org/gnu/gzip/gzip-1.12.tar.xz', 'gzip-1.12.tar.xz', directory), 'http://mirror/gnu/gzip-1.12.tar.xz');
  });

  it('does not apply a rule whose host does not match, nor one giving the same URL', () => {
    assert.equal(mirrorUrl('https://ftp.gnu.org/gnu/a.tar.gz', 'a.tar.gz', { find: 'https://example.org/.*', replace: 'http://m/' }), undefined);
    assert.equal(mirrorUrl('https://ftp.gnu.org/gnu/a.tar.gz', 'a.tar.gz', { find: 'https://.*/.*', replace: 'https://ftp.gnu.org/gnu/' }), undefined);
  });
});

describe('parseMirrorList', () => {
  it('reads pairs separated by whitespace and literal \\n', () => {
    assert.deepEqual(parseMirrorList('https?://.*/.* http://a/ \\n\n  ftp://.*/.*   http://b/\\n'), [
      { find: 'https?://.*/.*', replace: 'http://a/' },
      { find: 'ftp://.*/.*', replace: 'http://b/' },
    ]);
    assert.deepEqual(parseMirrorList('  '), []);
  });

  it('refuses an odd number of words and bad patterns, naming the variable', () => {
    for (const [value, reason] of [
      ['https://.*/.* http://a/ https://.*/.*', /odd number of words/],
      ['https://.*/(.* http://a/', /not a valid regular expression/],
      ['nourl http://a/', /not of the form/],
    ] as const) {
      assert.throws(() => parseMirrorList(value, 'PREMIRRORS'), (err: unknown) => {
        assert.ok(isHacktreeError(err, 'RECIPE_INVALID'));
        assert.match(err.message, /^PREMIRRORS/);
        assert.match(err.message, reason);
        return true;
      });
    }
  });
});

describe('recipeMirrors', () => {
  it('parses PREMIRRORS and MIRRORS, naming where a bad one was set', () => {
    const recipe = makeRecipe({ file: '/ws/recipes/site.conf', vars: { PREMIRRORS: 'https?://.*/.* http://a/', MIRRORS: '' } });
    assert.deepEqual(recipeMirrors(recipe), { premirrors: [{ find: 'https?://.*/.*', replace: 'http://a/' }], mirrors: [] });
    const bad = makeRecipe({ file: '/ws/recipes/site.conf', vars: { PREMIRRORS: '', MIRRORS: 'https?://.*/.*' } });
    assert.throws(() => recipeMirrors(bad), /\/ws\/recipes\/site\.conf:2: MIRRORS has an odd number of words/);
  });
});
