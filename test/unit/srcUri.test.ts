import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import { checksumFlag, isPatch, parseRecipeSrcUris, parseSrcUri, patchStripLevel, shouldUnpack } from '../../src/model/recipe/srcUri.js';
import { makeRecipe } from '../helpers/makeRecipe.js';

const WHERE = { file: '/ws/recipes/hello_2.12.bb', line: 7 };

function rejects(word: string, code: 'RECIPE_INVALID' | 'RECIPE_UNSUPPORTED', reason: RegExp): void {
  assert.throws(() => parseSrcUri(word, WHERE), (err: unknown) => {
    assert.ok(isHacktreeError(err, code), `expected ${code}, got ${String(err)}`);
    assert.match(err.message, reason);
    assert.ok(err.message.startsWith('/ws/recipes/hello_2.12.bb:7: '), `names file:line: ${err.message}`);
    assert.ok(err.hint, 'has a hint');
    return true;
  });
}

describe('parseSrcUri', () => {
  it('parses an https tarball with parameters', () => {
    const uri = parseSrcUri('https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz;name=main;subdir=src;striplevel=2', WHERE);
    assert.deepEqual(
      { ...uri },
      {
        word: 'https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz;name=main;subdir=src;striplevel=2',
        scheme: 'https',
        url: 'https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz',
        path: '/gnu/hello/hello-2.12.tar.gz',
        params: { name: 'main', subdir: 'src', striplevel: '2' },
        name: 'main',
        fileName: 'hello-2.12.tar.gz',
      },
    );
    assert.equal(checksumFlag(uri), 'main.sha256sum');
    assert.equal(isPatch(uri), false);
    assert.equal(shouldUnpack(uri), true);
  });

  it('takes downloadfilename= as the file name, and sha256sum without name=', () => {
    const uri = parseSrcUri('http://example.org/download?id=3;downloadfilename=foo-1.0.tar.xz', WHERE);
    assert.equal(uri.fileName, 'foo-1.0.tar.xz');
    assert.equal(uri.url, 'http://example.org/download?id=3');
    assert.equal(checksumFlag(uri), 'sha256sum');
  });

  it('parses file:// paths relative to the recipe directories', () => {
    const uri = parseSrcUri('file://fixes/0001-fix.patch;striplevel=0;patchdir=lib', WHERE);
    assert.equal(uri.scheme, 'file');
    assert.equal(uri.path, 'fixes/0001-fix.patch');
    assert.equal(uri.fileName, '0001-fix.patch');
    assert.equal(isPatch(uri), true);
    assert.equal(patchStripLevel(uri), 0);
  });

  it('decides patches as BitBake does: .patch/.diff (maybe compressed), or apply=', () => {
    const patch = (word: string) => isPatch(parseSrcUri(word, WHERE));
    assert.equal(patch('file://a.patch'), true);
    assert.equal(patch('file://a.diff'), true);
    assert.equal(patch('file://a.patch.gz'), true);
    assert.equal(patch('file://a.diff.xz'), true);
    assert.equal(patch('file://a.patch;apply=no'), false);
    assert.equal(patch('file://a.txt;apply=yes'), true);
    assert.equal(patch('file://a.tar.gz'), false);
    assert.equal(patch('file://a.patches'), false);
    assert.equal(patchStripLevel(parseSrcUri('file://a.patch', WHERE)), 1);
  });

  it('reads unpack=0 and unpack=no', () => {
    assert.equal(shouldUnpack(parseSrcUri('file://a.tar.gz;unpack=0', WHERE)), false);
    assert.equal(shouldUnpack(parseSrcUri('file://a.tar.gz;unpack=no', WHERE)), false);
    assert.equal(shouldUnpack(parseSrcUri('file://a.tar.gz;unpack=1', WHERE)), true);
  });

  it('refuses unknown parameters, naming the recipe file:line', () => {
    rejects('https://h/a.tar.gz;md5sum=abc', 'RECIPE_INVALID', /unknown parameter "md5sum"/);
    rejects('https://h/a.tar.gz;branch=main', 'RECIPE_INVALID', /unknown parameter "branch"/);
    rejects('https://h/a.tar.gz;name', 'RECIPE_INVALID', /without a value/);
  });

  it('refuses bad parameter values', () => {
    rejects('https://h/a.tar.gz;striplevel=x', 'RECIPE_INVALID', /striplevel=x/);
    rejects('https://h/a.tar.gz;unpack=maybe', 'RECIPE_INVALID', /unpack=maybe/);
    rejects('https://h/a.tar.gz;subdir=../up', 'RECIPE_INVALID', /leaves the work directory/);
    rejects('https://h/a.tar.gz;subdir=/abs', 'RECIPE_INVALID', /leaves the work directory/);
    rejects('file://a.patch;patchdir=x/../../y', 'RECIPE_INVALID', /leaves the work directory/);
    rejects('https://h/a.tar.gz;downloadfilename=x/y', 'RECIPE_INVALID', /not a plain file name/);
  });

  it('refuses file:// paths that escape, other schemes and non-URLs', () => {
    rejects('file://../secret', 'RECIPE_INVALID', /not a relative path/);
    rejects('file:///etc/passwd', 'RECIPE_INVALID', /not a relative path/);
    rejects('file://a/../../b', 'RECIPE_INVALID', /not a relative path/);
    rejects('git://example.org/repo.git', 'RECIPE_UNSUPPORTED', /git:\/\//);
    rejects('hello.tar.gz', 'RECIPE_INVALID', /not a URL/);
    rejects('https://h/dir/', 'RECIPE_INVALID', /names no file/);
    rejects('https:///a.tar.gz', 'RECIPE_INVALID', /no host/);
  });

  it('parses every word of a recipe, with SRC_URI\'s origin in errors', () => {
    const recipe = makeRecipe({ file: '/ws/recipes/hello_1.0.bb', vars: { SUMMARY: 'x', SRC_URI: 'https://h/hello-1.0.tar.gz \n file://fix.patch' } });
    assert.deepEqual(parseRecipeSrcUris(recipe).map((uri) => uri.fileName), ['hello-1.0.tar.gz', 'fix.patch']);
    const bad = makeRecipe({ file: '/ws/recipes/hello_1.0.bb', vars: { SUMMARY: 'x', SRC_URI: 'https://h/a.tar.gz;foo=1' } });
    assert.throws(() => parseRecipeSrcUris(bad), /^HacktreeError: \/ws\/recipes\/hello_1\.0\.bb:2: /);
  });
});
