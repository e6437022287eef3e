import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchSources, type FetchProgress } from '../../src/builder/sources/fetchSources.js';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import type { ErrorCode } from '../../src/errors/errorCodes.js';
import { parseMirrorList } from '../../src/model/recipe/mirrorUrls.js';
import { makeTempDir } from '../helpers/cli.js';
import { closedPort, startHttpServer, type Misbehavior, type TestHttpServer } from '../helpers/httpServer.js';
import { makeRecipe } from '../helpers/makeRecipe.js';
import { listTree, makeTarball, sha256Of, writeFiles } from '../helpers/sourceFixtures.js';

const TARBALL_PATH = '/gnu/hello/hello-1.0.tar.gz';
const EXTRA_PATH = '/patches/extra.patch';

describe('fetchSources against a real HTTP server', () => {
  let tmp: string;
  let upstream: TestHttpServer;
  let mirror: TestHttpServer;
  let tarballSha: string;
  let extraSha: string;
  let caches = 0;
  const bbFile = () => join(tmp, 'ws/recipes/hello_1.0.bb');
  const freshCache = () => join(tmp, `cache-${caches++}`);

  before(async () => {
    tmp = makeTempDir('hacktree-fetch');
    const tarball = makeTarball(join(tmp, `srv${TARBALL_PATH}`), 'hello-1.0', { 'configure': '#!/bin/sh\n', 'COPYING': 'license\n'.repeat(200) });
    writeFiles(join(tmp, 'srv'), { [EXTRA_PATH]: '--- a/x\n+++ b/x\n' });
    tarballSha = sha256Of(tarball);
    extraSha = sha256Of(join(tmp, `srv${EXTRA_PATH}`));
    mkdirSync(join(tmp, 'mirror/sources'), { recursive: true });
    copyFileSync(tarball, join(tmp, 'mirror/sources/hello-1.0.tar.gz'));
    writeFiles(join(tmp, 'ws/recipes'), { 'hello_1.0.bb': '# test recipe\n', 'hello/fix.patch': '--- a/y\n+++ b/y\n' });
    upstream = await startHttpServer(join(tmp, 'srv'));
    mirror = await startHttpServer(join(tmp, 'mirror'));
  });
  after(async () => {
    await upstream.close();
    await mirror.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const tarballRecipe = (base = upstream.url, sha = tarballSha) =>
    makeRecipe({ file: bbFile(), vars: { SRC_URI: `${base}${TARBALL_PATH}` }, flags: { SRC_URI: { sha256sum: sha } } });

  /** Fails with `code`; the message matches each pattern, or includes each string. */
  async function assertFails(promise: Promise<unknown>, code: ErrorCode, patterns: (RegExp | string)[]): Promise<void> {
    await assert.rejects(promise, (err: unknown) => {
      assert.ok(isHacktreeError(err, code), `expected ${code}, got ${String(err)}`);
      for (const pattern of patterns) {
        if (typeof pattern === 'string') assert.ok(err.message.includes(pattern), `${JSON.stringify(pattern)} in ${err.message}`);
        else assert.match(err.message, pattern);
      }
      assert.ok(err.hint, 'a hint');
      return true;
    });
  }

  it('downloads into <cache>/<sha256>/<name>, hashes local files, and a second fetch makes no request', async () => {
    const cache = freshCache();
    const recipe = makeRecipe({
      file: bbFile(),
      vars: { SRC_URI: `${upstream.url}${TARBALL_PATH} ${upstream.url}${EXTRA_PATH};name=extra file://fix.patch` },
      flags: { SRC_URI: { sha256sum: tarballSha, 'extra.sha256sum': extraSha } },
    });
    const before = { tarball: upstream.requestCount(TARBALL_PATH), extra: upstream.requestCount(EXTRA_PATH) };
    const progress: FetchProgress[] = [];
    const fetched = await fetchSources({ recipe, sourceCache: cache, onProgress: (event) => progress.push(event) });
    assert.deepEqual(
      fetched.map((source) => ({ name: source.uri.fileName, path: source.path, sha256: source.sha256 })),
      [
        { name: 'hello-1.0.tar.gz', path: join(cache, tarballSha, 'hello-1.0.tar.gz'), sha256: tarballSha },
        { name: 'extra.patch', path: join(cache, extraSha, 'extra.patch'), sha256: extraSha },
        { name: 'fix.patch', path: join(tmp, 'ws/recipes/hello/fix.patch'), sha256: sha256Of(join(tmp, 'ws/recipes/hello/fix.patch')) },
      ],
    );
    assert.equal(sha256Of(fetched[0]!.path), tarballSha);
    assert.deepEqual(listTree(cache), [`${extraSha}/extra.patch`, `${tarballSha}/hello-1.0.tar.gz`].sort());
    assert.equal(upstream.requestCount(TARBALL_PATH), before.tarball + 1);
    assert.equal(upstream.requestCount(EXTRA_PATH), before.extra + 1);
    assert.ok(progress.some((event) => event.state === 'done' && event.uri.fileName === 'hello-1.0.tar.gz'));
    assert.ok(progress.some((event) => event.state === 'local'));

    const again = await fetchSources({ recipe, sourceCache: cache, onProgress: (event) => progress.push(event) });
    assert.deepEqual(again.map((source) => source.path), fetched.map((source) => source.path));
    assert.equal(upstream.requestCount(TARBALL_PATH), before.tarball + 1, 'no second request');
    assert.equal(upstream.requestCount(EXTRA_PATH), before.extra + 1, 'no second request');
    assert.ok(progress.some((event) => event.state === 'cached'));
  });

  it('a remote source without SRC_URI[sha256sum] is CHECKSUM_MISSING naming file:line, before any request', async () => {
    const cache = freshCache();
    const count = upstream.requestCount();
    const recipe = makeRecipe({ file: bbFile(), vars: { SUMMARY: 'hello', SRC_URI: `${upstream.url}${EXTRA_PATH};name=extra` }, flags: { SRC_URI: { sha256sum: extraSha } } });
    await assertFails(fetchSources({ recipe, sourceCache: cache }), 'CHECKSUM_MISSING', [/hello_1\.0\.bb:2: /, /SRC_URI\[extra\.sha256sum\]/]);
    assert.equal(upstream.requestCount(), count);
    assert.deepEqual(listTree(cache), []);
  });

  it('checks an md5sum flag too, and refuses a sha256sum that is not one', async () => {
    const cache = freshCache();
    const withMd5 = makeRecipe({ file: bbFile(), vars: { SRC_URI: `${upstream.url}${TARBALL_PATH}` }, flags: { SRC_URI: { sha256sum: tarballSha, md5sum: '0'.repeat(32) } } });
    await assertFails(fetchSources({ recipe: withMd5, sourceCache: cache }), 'CHECKSUM_MISMATCH', [`md5 `, `expected ${'0'.repeat(32)}`]);
    assert.deepEqual(listTree(cache), []);
    const short = makeRecipe({ file: bbFile(), vars: { SRC_URI: `${upstream.url}${TARBALL_PATH}` }, flags: { SRC_URI: { sha256sum: 'abc' } } });
    await assertFails(fetchSources({ recipe: short, sourceCache: cache }), 'RECIPE_INVALID', ['hello_1.0.bb:1:', 'SRC_URI[sha256sum] = "abc"']);
  });

  const failures: [string, Misbehavior, ErrorCode, (RegExp | string)[]][] = [
    ['404', { status: 404 }, 'FETCH_FAILED', [/HTTP 404/]],
    ['500', { status: 500 }, 'FETCH_FAILED', [/HTTP 500/]],
    ['a truncated download', { truncateAt: 100 }, 'FETCH_FAILED', [/truncated/]],
    ['wrong bytes', { body: 'not the tarball\n' }, 'CHECKSUM_MISMATCH', [/expected sha256 [0-9a-f]{64}/]],
  ];
  for (const [what, how, code, patterns] of failures) {
    it(`${what} is ${code} naming the URL, leaves the cache empty, and a retry succeeds once the server is fixed`, async () => {
      const cache = freshCache();
      upstream.misbehave(TARBALL_PATH, how);
      try {
        await assertFails(fetchSources({ recipe: tarballRecipe(), sourceCache: cache }), code, [`${upstream.url}${TARBALL_PATH}`, ...patterns]);
      } finally {
        upstream.clear();
      }
      assert.deepEqual(listTree(cache), [], 'nothing in the source cache');
      const fetched = await fetchSources({ recipe: tarballRecipe(), sourceCache: cache });
      assert.equal(sha256Of(fetched[0]!.path), tarballSha);
      assert.deepEqual(listTree(cache), [`${tarballSha}/hello-1.0.tar.gz`]);
    });
  }

  it('the mismatch error shows the expected and the actual sum', async () => {
    const cache = freshCache();
    upstream.misbehave(TARBALL_PATH, { body: 'other bytes\n' });
    try {
      await assert.rejects(fetchSources({ recipe: tarballRecipe(), sourceCache: cache }), (err: unknown) => {
        assert.ok(isHacktreeError(err, 'CHECKSUM_MISMATCH'));
        const actual = createHash('sha256').update('other bytes\n').digest('hex');
        assert.ok(err.message.includes(`sha256 ${actual}, expected ${tarballSha}`), err.message);
        assert.equal(err.data.actualSha256, actual);
        return true;
      });
    } finally {
      upstream.clear();
    }
    assert.deepEqual(listTree(cache), []);
  });

  it('connection refused is FETCH_FAILED with ECONNREFUSED; a retry succeeds once a server listens', async () => {
    const cache = freshCache();
    const port = await closedPort();
    const recipe = tarballRecipe(`http://127.0.0.1:${port}`);
    await assertFails(fetchSources({ recipe, sourceCache: cache }), 'FETCH_FAILED', [new RegExp(`127\\.0\\.0\\.1:${port}`), /ECONNREFUSED/]);
    assert.deepEqual(listTree(cache), []);
    const revived = await startHttpServer(join(tmp, 'srv'), { port });
    try {
      const fetched = await fetchSources({ recipe, sourceCache: cache });
      assert.equal(fetched[0]!.sha256, tarballSha);
      assert.equal(revived.requestCount(TARBALL_PATH), 1);
    } finally {
      await revived.close();
    }
  });

  it('a server that never answers is FETCH_FAILED after the timeout, leaving the cache empty', async () => {
    const cache = freshCache();
    upstream.misbehave(TARBALL_PATH, { stall: true });
    try {
      await assertFails(fetchSources({ recipe: tarballRecipe(), sourceCache: cache, timeoutMs: 200 }), 'FETCH_FAILED', [`${upstream.url}${TARBALL_PATH}`, 'timed out']);
    } finally {
      upstream.clear();
    }
    assert.deepEqual(listTree(cache), []);
  });

  it('downloads at most `concurrency` sources at once', async () => {
    const slow = await startHttpServer(join(tmp, 'srv'));
    slow.misbehave('*', { stall: true });
    const names = ['a', 'b', 'c'];
    const recipe = makeRecipe({
      file: bbFile(),
      vars: { SRC_URI: names.map((name) => `${slow.url}/${name}.tar.gz;name=${name}`).join(' ') },
      flags: { SRC_URI: Object.fromEntries(names.map((name, i) => [`${name}.sha256sum`, String(i).repeat(64)])) },
    });
    try {
      await assertFails(fetchSources({ recipe, sourceCache: freshCache(), concurrency: 2, timeoutMs: 1000 }), 'FETCH_FAILED', ['timed out']);
      assert.equal(slow.requestCount(), 3, 'every source was tried');
      assert.equal(slow.maxInFlight(), 2, 'two at a time');
    } finally {
      await slow.close();
    }
  });

  it('removes partial downloads of dead processes, not those of live ones', async () => {
    const cache = freshCache();
    const deadPid = spawnSync('true').pid!;
    const dead = `.partial-${deadPid}-0-hello-1.0.tar.gz`;
    const live = `.partial-${process.pid}-999-other.tar.gz`;
    writeFiles(cache, { [dead]: 'half', [live]: 'in use' });
    await fetchSources({ recipe: tarballRecipe(), sourceCache: cache });
    assert.deepEqual(listTree(cache), [live, `${tarballSha}/hello-1.0.tar.gz`].sort());
  });

  it('follows redirects', async () => {
    upstream.misbehave(TARBALL_PATH, { redirectTo: `${mirror.url}/sources/hello-1.0.tar.gz` });
    try {
      const fetched = await fetchSources({ recipe: tarballRecipe(), sourceCache: freshCache() });
      assert.equal(sha256Of(fetched[0]!.path), tarballSha);
    } finally {
      upstream.clear();
    }
  });

  it('PREMIRRORS are tried before the upstream URL', async () => {
    const counts = { upstream: upstream.requestCount(TARBALL_PATH), mirror: mirror.requestCount('/sources/hello-1.0.tar.gz') };
    const premirrors = parseMirrorList(`http://.*/.* ${mirror.url}/sources/`, 'PREMIRRORS');
    const fetched = await fetchSources({ recipe: tarballRecipe(), sourceCache: freshCache(), premirrors });
    assert.equal(fetched[0]!.sha256, tarballSha);
    assert.equal(mirror.requestCount('/sources/hello-1.0.tar.gz'), counts.mirror + 1);
    assert.equal(upstream.requestCount(TARBALL_PATH), counts.upstream, 'upstream was not asked');
  });

  it('a failing PREMIRROR falls back to upstream', async () => {
    const counts = { upstream: upstream.requestCount(TARBALL_PATH), mirror: mirror.requestCount('/missing/hello-1.0.tar.gz') };
    const premirrors = parseMirrorList(`http://.*/.* ${mirror.url}/missing/`, 'PREMIRRORS');
    await fetchSources({ recipe: tarballRecipe(), sourceCache: freshCache(), premirrors });
    assert.equal(mirror.requestCount('/missing/hello-1.0.tar.gz'), counts.mirror + 1);
    assert.equal(upstream.requestCount(TARBALL_PATH), counts.upstream + 1);
  });

  it('MIRRORS are tried after a failing upstream, in order; when all fail the error names each URL', async () => {
    const counts = { upstream: upstream.requestCount(TARBALL_PATH), missing: mirror.requestCount('/missing/hello-1.0.tar.gz'), mirror: mirror.requestCount('/sources/hello-1.0.tar.gz') };
    const mirrors = parseMirrorList(`http://.*/.* ${mirror.url}/missing/ \\n http://127\\.0\\.0\\.1:[0-9]+/gnu/([^/]+)/.* ${mirror.url}/sources/`, 'MIRRORS');
    upstream.misbehave(TARBALL_PATH, { status: 500 });
    try {
      const fetched = await fetchSources({ recipe: tarballRecipe(), sourceCache: freshCache(), mirrors });
      assert.equal(fetched[0]!.sha256, tarballSha);
      assert.equal(upstream.requestCount(TARBALL_PATH), counts.upstream + 1);
      assert.equal(mirror.requestCount('/missing/hello-1.0.tar.gz'), counts.missing + 1);
      assert.equal(mirror.requestCount('/sources/hello-1.0.tar.gz'), counts.mirror + 1);

      const cache = freshCache();
      const onlyMissing = parseMirrorList(`http://.*/.* ${mirror.url}/missing/`, 'MIRRORS');
      await assertFails(fetchSources({ recipe: tarballRecipe(), sourceCache: cache, mirrors: onlyMissing }), 'FETCH_FAILED', [
        `${upstream.url}${TARBALL_PATH} (HTTP 500`,
        `${mirror.url}/missing/hello-1.0.tar.gz (HTTP 404`,
      ]);
      assert.deepEqual(listTree(cache), []);
    } finally {
      upstream.clear();
    }
  });

  it('a MIRRORS entry may be a local directory (file:///)', async () => {
    const mirrors = parseMirrorList(`https?://.*/.* file://${join(tmp, 'mirror/sources')}/`, 'MIRRORS');
    upstream.misbehave(TARBALL_PATH, { status: 404 });
    try {
      const fetched = await fetchSources({ recipe: tarballRecipe(), sourceCache: freshCache(), mirrors });
      assert.equal(sha256Of(fetched[0]!.path), tarballSha);
    } finally {
      upstream.clear();
    }
  });

  it('finds file:// sources in recipes/${BP}, recipes/${BPN}, recipes/files, first hit wins; a miss lists the places tried', async () => {
    writeFiles(join(tmp, 'ws/recipes'), { 'files/only-in-files.txt': 'files\n', 'files/fix.patch': 'shadowed\n', 'hello-1.0/fix.patch': 'bp wins\n' });
    const recipe = makeRecipe({ file: bbFile(), vars: { SRC_URI: 'file://fix.patch file://only-in-files.txt' } });
    const fetched = await fetchSources({ recipe, sourceCache: freshCache() });
    assert.deepEqual(fetched.map((source) => source.path), [join(tmp, 'ws/recipes/hello-1.0/fix.patch'), join(tmp, 'ws/recipes/files/only-in-files.txt')]);
    rmSync(join(tmp, 'ws/recipes/hello-1.0'), { recursive: true });
    rmSync(join(tmp, 'ws/recipes/files'), { recursive: true });

    const missing = makeRecipe({ file: bbFile(), vars: { SRC_URI: 'file://nowhere.patch' } });
    await assertFails(fetchSources({ recipe: missing, sourceCache: freshCache() }), 'SOURCE_NOT_FOUND', [
      /hello_1\.0\.bb:1: /,
      /recipes\/hello-1\.0, .*recipes\/hello, .*recipes\/files/,
    ]);
  });

  it('leaves no partial download behind when the cache directory cannot be written', async () => {
    const cache = freshCache();
    mkdirSync(cache);
    writeFileSync(join(cache, tarballSha), 'a file where the directory should go');
    await assert.rejects(fetchSources({ recipe: tarballRecipe(), sourceCache: cache }));
    assert.deepEqual(listTree(cache), [tarballSha]);
  });
});
