import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fetchSources } from '../../src/builder/sources/fetchSources.js';
import { unpackSources } from '../../src/builder/sources/unpackSources.js';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import type { ErrorCode } from '../../src/errors/errorCodes.js';
import type { Recipe } from '../../src/model/recipe/recipe.js';
import { makeTempDir } from '../helpers/cli.js';
import { makeRecipe } from '../helpers/makeRecipe.js';
import { listTree, makeTarball, treeContents, writeFiles } from '../helpers/sourceFixtures.js';

const MAIN_C = 'int main(void)\n{\n  return 0;\n}\n';
const COPYING = Array.from({ length: 30 }, (_, i) => `license line ${i + 1}\n`).join('');
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const linesOf = (text: string, begin: number, end: number) => text.split(/(?<=\n)/).slice(begin - 1, end).join('');

/** A unified diff changing `from` to `to` in one-line files. */
function onePatch(path: string, from: string, to: string, prefix = 'a/', newPrefix = 'b/'): string {
  return `--- ${prefix}${path}\n+++ ${newPrefix}${path}\n@@ -1 +1 @@\n-${from}\n+${to}\n`;
}

describe('unpackSources', () => {
  let tmp: string;
  let works = 0;
  const recipesDir = () => join(tmp, 'ws/recipes');
  const freshWorkdir = () => {
    const dir = join(tmp, `work-${works++}`);
    mkdirSync(dir);
    return dir;
  };

  before(() => {
    tmp = makeTempDir('hacktree-unpack');
    const files = join(recipesDir(), 'hello');
    makeTarball(join(files, 'hello-1.0.tar.gz'), 'hello-1.0', { 'configure': '#!/bin/sh\nexit 0\n', 'COPYING': COPYING, 'src/main.c': MAIN_C, 'src/version.h': 'v1\n', 'doc/README': 'old readme\n' });
    makeTarball(join(files, 'data-2.0.tar.xz'), 'data-2.0', { 'a.txt': 'data a\n' });
    makeTarball(join(files, 'extras.tar.bz2'), 'extras', { 'e.txt': 'extra\n' });
    execFileSync('sh', ['-c', `printf 'compressed notes\\n' | gzip -n > ${join(files, 'notes.txt.gz')}`]);
    writeFiles(files, {
      '0001-first.patch': '--- a/src/main.c\n+++ b/src/main.c\n@@ -1,4 +1,4 @@\n int main(void)\n {\n-  return 0;\n+  return 1;\n }\n',
      '0002-second.patch': '--- a/src/main.c\n+++ b/src/main.c\n@@ -1,4 +1,4 @@\n int main(void)\n {\n-  return 1;\n+  return 2;\n }\n',
      'readme-fix.txt': onePatch('README', 'old readme', 'new readme', '', ''),
      'half.patch': onePatch('src/version.h', 'v1', 'v2') + onePatch('doc/README', 'no such line', 'x'),
      'not-applied.patch': 'this is not applied\n',
    });
    execFileSync('sh', ['-c', `gzip -n -c ${join(files, '0001-first.patch')} > ${join(files, '0001-first.patch.gz')}`]);
    chmodSync(join(files, 'readme-fix.txt'), 0o644);
    execFileSync('tar', ['-c', '-f', join(files, 'evil.tar'), '-P', '--transform', 's,^,../,', '-C', files, 'not-applied.patch']);
    writeFiles(join(tmp, 'zip-staging/hello-1.0'), { 'COPYING': COPYING, 'src/main.c': MAIN_C });
    execFileSync('zip', ['-q', '-r', join(files, 'hello-1.0.zip'), 'hello-1.0'], { cwd: join(tmp, 'zip-staging') });
    writeFiles(tmp, { 'ws/recipes/hello_1.0.bb': '# test recipe\n' });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  function recipe(srcUri: string, more: Record<string, string> = {}): Recipe {
    return makeRecipe({ file: join(recipesDir(), 'hello_1.0.bb'), vars: { SRC_URI: srcUri, LICENSE: 'MIT', ...more } });
  }

  async function prepare(r: Recipe, workdir = freshWorkdir()): Promise<{ sourceDir: string; workdir: string }> {
    const fetched = await fetchSources({ recipe: r, sourceCache: join(tmp, 'cache') });
    return { ...(await unpackSources({ recipe: r, fetched, workdir })), workdir };
  }

  async function assertFails(r: Recipe, code: ErrorCode, includes: string[], workdir = freshWorkdir()): Promise<string> {
    let message = '';
    await assert.rejects(prepare(r, workdir), (err: unknown) => {
      assert.ok(isHacktreeError(err, code), `expected ${code}, got ${String(err)}`);
      for (const text of includes) assert.ok(err.message.includes(text), `${JSON.stringify(text)} in:\n${err.message}`);
      assert.ok(err.hint);
      message = err.message;
      return true;
    });
    return message;
  }

  it('unpacks tarballs (subdir=, striplevel=), decompresses, copies unpack=0, applies patches in order, checks licenses', async () => {
    const r = recipe(
      [
        'file://hello-1.0.tar.gz',
        'file://data-2.0.tar.xz;subdir=hello-1.0/data;striplevel=1',
        'file://extras.tar.bz2;unpack=0',
        'file://notes.txt.gz',
        'file://0001-first.patch.gz',
        'file://0002-second.patch',
        'file://readme-fix.txt;apply=yes;patchdir=doc;striplevel=0',
        'file://not-applied.patch;apply=no',
      ].join(' '),
      { LIC_FILES_CHKSUM: `file://COPYING;md5=${md5(COPYING)} file://src/main.c;beginline=1;endline=2;md5=${md5('int main(void)\n{\n')} file://COPYING;startline=3;endline=5;md5=${md5(linesOf(COPYING, 3, 5))}` },
    );
    const { sourceDir, workdir } = await prepare(r);
    assert.equal(sourceDir, join(workdir, 'hello-1.0'));
    assert.equal(readFileSync(join(sourceDir, 'src/main.c'), 'utf8'), MAIN_C.replace('return 0', 'return 2'), 'both patches, in order');
    assert.equal(readFileSync(join(sourceDir, 'doc/README'), 'utf8'), 'new readme\n', 'apply=yes, patchdir=, striplevel=0');
    assert.equal(readFileSync(join(sourceDir, 'data/a.txt'), 'utf8'), 'data a\n', 'subdir= and striplevel=1');
    assert.equal(readFileSync(join(workdir, 'notes.txt'), 'utf8'), 'compressed notes\n');
    assert.deepEqual(readFileSync(join(workdir, 'extras.tar.bz2')), readFileSync(join(recipesDir(), 'hello/extras.tar.bz2')), 'unpack=0 copies');
    assert.equal(readFileSync(join(workdir, 'not-applied.patch'), 'utf8'), 'this is not applied\n');
    assert.ok(statSync(join(sourceDir, 'configure')).mode & 0o100, 'modes kept');
    assert.ok(!listTree(workdir).some((path) => path.endsWith('.orig') || path.endsWith('.rej')));
    assert.ok(!listTree(workdir).some((path) => path.startsWith('extras/')), 'unpack=0 did not extract');
  });

  it('extracts zip archives', async () => {
    const { sourceDir } = await prepare(recipe('file://hello-1.0.zip file://0001-first.patch', { LIC_FILES_CHKSUM: `file://COPYING;md5=${md5(COPYING)}` }));
    assert.equal(readFileSync(join(sourceDir, 'src/main.c'), 'utf8'), MAIN_C.replace('return 0', 'return 1'));
  });

  it('patches apply in SRC_URI order: the second patch first does not apply', async () => {
    const message = await assertFails(recipe('file://hello-1.0.tar.gz file://0002-second.patch file://0001-first.patch'), 'PATCH_FAILED', ['0002-second.patch']);
    assert.match(message, /hunk|FAILED/i, 'shows what patch said');
  });

  it('a failing patch is named with patch\'s output, and leaves the tree as it was', async () => {
    const reference = await prepare(recipe('file://hello-1.0.tar.gz file://0001-first.patch'));
    const workdir = freshWorkdir();
    const message = await assertFails(recipe('file://hello-1.0.tar.gz file://0001-first.patch file://half.patch'), 'PATCH_FAILED', ['half.patch', 'doc/README'], workdir);
    assert.match(message, /FAILED/);
    assert.deepEqual(treeContents(join(workdir, 'hello-1.0')), treeContents(reference.sourceDir), 'half.patch changed nothing (version.h is still v1)');
  });

  it('a whole-file license mismatch shows both sums and the lines hashed', async () => {
    const wrong = 'ffffffffffffffffffffffffffffffff';
    const message = await assertFails(recipe('file://hello-1.0.tar.gz', { LIC_FILES_CHKSUM: `file://COPYING;md5=${wrong}` }), 'LICENSE_CHECKSUM_MISMATCH', [
      'hello_1.0.bb:3:',
      wrong,
      md5(COPYING),
      'the whole file',
      '    1: license line 1',
      '   30: license line 30',
    ]);
    assert.ok(!message.includes('license line 15'), 'only the first and last lines');
  });

  it('a line-range license mismatch shows the range and its lines', async () => {
    const wrong = md5(linesOf(COPYING, 3, 6));
    await assertFails(recipe('file://hello-1.0.tar.gz', { LIC_FILES_CHKSUM: `file://COPYING;beginline=3;endline=5;md5=${wrong}` }), 'LICENSE_CHECKSUM_MISMATCH', [
      'lines 3..5',
      wrong,
      md5(linesOf(COPYING, 3, 5)),
      '    3: license line 3',
      '    5: license line 5',
    ]);
  });

  it('a missing license file is an error', async () => {
    await assertFails(recipe('file://hello-1.0.tar.gz', { LIC_FILES_CHKSUM: `file://LICENSE.md;md5=${md5('x')}` }), 'LICENSE_CHECKSUM_MISMATCH', ['LICENSE.md', 'not in the unpacked source']);
  });

  it('refuses an archive member that escapes, unpacking nothing', async () => {
    const workdir = freshWorkdir();
    await assertFails(recipe('file://evil.tar'), 'UNSAFE_PATH', ['evil.tar', '../not-applied.patch'], workdir);
    assert.deepEqual(listTree(workdir), []);
    assert.deepEqual(listTree(tmp).filter((path) => path.startsWith('not-applied')), []);
  });

  describe('symlinks never lead a write out of the work directory', () => {
    let outside: string;
    before(() => {
      outside = join(tmp, 'outside');
      mkdirSync(outside);
      const files = join(recipesDir(), 'hello');
      const staging = join(tmp, 'symlink-staging');
      // links.tar: hello-1.0/abs -> OUTSIDE, hello-1.0/rel -> ../../../outside (both escape), and COPYING
      writeFiles(join(staging, 'links/hello-1.0'), { COPYING });
      symlinkSync(outside, join(staging, 'links/hello-1.0/abs'));
      symlinkSync('../../../outside', join(staging, 'links/hello-1.0/rel'));
      execFileSync('tar', ['-c', '-f', join(files, 'links.tar'), '-C', join(staging, 'links'), 'hello-1.0']);
      // beneath.tar: hello-1.0/rel/pwned, a file beneath the path links.tar made a symlink
      writeFiles(join(staging, 'beneath'), { 'hello-1.0/rel/pwned': 'pwned\n', 'data/pwned': 'pwned\n' });
      execFileSync('tar', ['-c', '-f', join(files, 'beneath.tar'), '-C', join(staging, 'beneath'), 'hello-1.0']);
      execFileSync('tar', ['-c', '-f', join(files, 'data.tar'), '-C', join(staging, 'beneath'), 'data']);
      // self.tar: a symlink and a file beneath it in one archive
      execFileSync('tar', ['-c', '-f', join(files, 'self.tar'), '-C', join(staging, 'links'), 'hello-1.0/rel']);
      execFileSync('tar', ['-r', '-f', join(files, 'self.tar'), '-C', join(staging, 'beneath'), 'hello-1.0/rel/pwned']);
    });

    it('a later archive replaces the symlink an earlier one made instead of writing through it', async () => {
      const { sourceDir } = await prepare(recipe('file://links.tar file://beneath.tar'));
      assert.deepEqual(listTree(outside), []);
      assert.equal(readFileSync(join(sourceDir, 'rel/pwned'), 'utf8'), 'pwned\n');
      assert.ok(!lstatSync(join(sourceDir, 'rel')).isSymbolicLink());
    });

    it('subdir= through a symlink is UNSAFE_PATH', async () => {
      await assertFails(recipe('file://links.tar file://data.tar;subdir=hello-1.0/abs'), 'UNSAFE_PATH', ['hello-1.0/abs', 'symlink']);
      await assertFails(recipe('file://links.tar file://notes.txt.gz;subdir=hello-1.0/rel'), 'UNSAFE_PATH', ['hello-1.0/rel']);
      assert.deepEqual(listTree(outside), []);
    });

    it('patchdir= through a symlink is UNSAFE_PATH', async () => {
      await assertFails(recipe('file://links.tar file://readme-fix.txt;apply=yes;patchdir=abs;striplevel=0'), 'UNSAFE_PATH', ['hello-1.0/abs']);
    });

    it('a file beneath a symlink of the same archive is refused by tar', async () => {
      await assertFails(recipe('file://self.tar'), 'TAR_INVALID', ['self.tar', 'hello-1.0/rel/pwned']);
      assert.deepEqual(listTree(outside), []);
    });
  });

  it('an S the sources do not make is RECIPE_INVALID listing what they made', async () => {
    await assertFails(recipe('file://hello-1.0.tar.gz', { S: '/build/hello' }), 'RECIPE_INVALID', ['hello_1.0.bb:3:', 'S = /build/hello', 'hello-1.0']);
    await assertFails(recipe('file://hello-1.0.tar.gz', { S: '/elsewhere' }), 'RECIPE_INVALID', ['not inside the work directory /build']);
  });
});
