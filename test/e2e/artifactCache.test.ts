import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { findCachedBuild } from '../../src/builder/cache/findCachedBuild.js';
import type { HacktreeError } from '../../src/errors/HacktreeError.js';
import { cacheIdOfBuild } from '../../src/model/artifact/cacheIndex.js';
import { listDirectory } from '../../src/platform/fs/listDirectory.js';
import { assertCliError } from '../helpers/assertCliError.js';
import { makeTempDir, runHacktree } from '../helpers/cli.js';
import { writeHandmadeTarball } from '../helpers/handmadeTarball.js';
import { freePort, startNginx, type NginxServer } from '../helpers/nginxServer.js';

// A build's two artifacts, named with its cache id, pushed to a real nginx (WebDAV PUT behind
// basic auth) and to a directory, then looked up from empty artifact directories.
const ID = cacheIdOfBuild('hello build id 1');
const OTHER_ID = cacheIdOfBuild('a build no cache has');
const USER = 'builder';
const PASSWORD = 's3cret-cache-pass';
let work: string;
let workspace: string;
let server: NginxServer;
let names: string[];

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function artifactName(kind: string, id: string): string {
  return `hello-${kind},b=opt,id=${id},o=master,r=3.2-opt-x86_64,v=2.12,.tar.gz`;
}

async function lookup(caches: string[], id = ID): Promise<{ found: string[] | null; warnings: HacktreeError[]; dir: string }> {
  const dir = makeTempDir('hacktree-cache-lookup');
  const warnings: HacktreeError[] = [];
  const found = await findCachedBuild({ id, artifactsDir: join(dir, 'artifacts'), caches, onWarning: (line, w) => {
    assert.ok(line.startsWith(`error[${w.code}]: `));
    warnings.push(w);
  } });
  return { found, warnings, dir };
}

before(async () => {
  work = makeTempDir('hacktree-cache');
  workspace = join(work, 'workspace');
  mkdirSync(join(workspace, 'artifacts'), { recursive: true });
  names = ['runtime', 'devel'].map((kind) => artifactName(kind, ID));
  for (const [i, name] of names.entries()) {
    writeHandmadeTarball(join(workspace, 'artifacts', name), [
      { kind: 'dir', path: '.' },
      { kind: 'file', path: `usr/share/hello/${i}`, content: `hello ${name}\n`.repeat(1000) },
    ]);
  }
  // An artifact without id= (not made by hacktree build) is not pushed by default.
  writeHandmadeTarball(join(workspace, 'artifacts', 'old-runtime,b=opt,o=master,r=3.2-opt-x86_64,v=1,.tar.gz'), [{ kind: 'dir', path: '.' }]);
  server = await startNginx({ dir: join(work, 'nginx'), user: USER, password: PASSWORD });
});

after(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('cache push over HTTP PUT writes both artifacts and the index, then skips what the server has', () => {
  const env = { HACKTREE_CACHE_USER: USER, HACKTREE_CACHE_PASSWORD: PASSWORD };
  const first = runHacktree(['cache', 'push', server.url, '-C', workspace, '--json'], { env });
  assert.equal(first.status, 0, first.stderr);
  const report = JSON.parse(first.stdout);
  assert.equal(report.builds.length, 1);
  assert.equal(report.builds[0].id, ID);
  assert.deepEqual(report.builds[0].artifacts.map((a: { file: string; pushed: boolean }) => [a.file, a.pushed]), [...names].sort().map((n) => [n, true]));
  assert.equal(report.builds[0].indexPushed, true);
  for (const name of names) assert.equal(sha256(join(server.root, name)), sha256(join(workspace, 'artifacts', name)), `${name} on the server`);
  const index = JSON.parse(readFileSync(join(server.root, 'by-id', `${ID}.json`), 'utf8'));
  assert.equal(index.id, ID);
  assert.deepEqual(index.artifacts.map((a: { sha256: string }) => a.sha256).sort(), names.map((n) => sha256(join(workspace, 'artifacts', n))).sort());
  assert.ok(!first.stdout.includes(PASSWORD) && !first.stderr.includes(PASSWORD), 'the password is never printed');

  const again = runHacktree(['cache', 'push', server.url, '-C', workspace, '--json'], { env });
  assert.equal(again.status, 0, again.stderr);
  const second = JSON.parse(again.stdout).builds[0];
  assert.deepEqual(second.artifacts.map((a: { pushed: boolean }) => a.pushed), [false, false]);
  assert.equal(second.indexPushed, false);
});

test('cache push with a wrong password is AUTH_FAILED, never printing the password, and writes nothing', () => {
  const other = join(work, 'other-ws');
  mkdirSync(join(other, 'artifacts'), { recursive: true });
  for (const kind of ['runtime', 'devel']) writeFileSync(join(other, 'artifacts', artifactName(kind, OTHER_ID)), `x ${kind}\n`);
  const wrong = 'not-the-password';
  const run = runHacktree(['cache', 'push', server.url, '-C', other], { env: { HACKTREE_CACHE_USER: USER, HACKTREE_CACHE_PASSWORD: wrong } });
  assertCliError(run, 'AUTH_FAILED', [server.url]);
  assert.ok(!run.stdout.includes(wrong) && !run.stderr.includes(wrong));
  assert.ok(!readdirSync(server.root).some((n) => n.includes(OTHER_ID)), 'no file of that build on the server');
  assert.ok(!readdirSync(join(server.root, 'by-id')).includes(`${OTHER_ID}.json`), 'no index of that build');
});

test('a lookup from an empty artifacts directory downloads and verifies the build', async () => {
  const { found, warnings, dir } = await lookup([server.url]);
  try {
    assert.deepEqual(warnings, []);
    assert.deepEqual(found, [...names].sort().map((n) => join(dir, 'artifacts', n)));
    for (const name of names) assert.equal(sha256(join(dir, 'artifacts', name)), sha256(join(workspace, 'artifacts', name)));
    assert.deepEqual(readdirSync(join(dir, 'artifacts')).sort(), [...names].sort(), 'nothing but the two artifacts');
    // Found locally the second time: no cache is asked (a cache that is down gives no warning).
    const again: HacktreeError[] = [];
    const local = await findCachedBuild({ id: ID, artifactsDir: join(dir, 'artifacts'), caches: [`http://127.0.0.1:${await freePort()}/`], onWarning: (_line, w) => again.push(w) });
    assert.deepEqual(local, found);
    assert.deepEqual(again, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupted file on the server is refused (CHECKSUM_MISMATCH), nothing stays in artifacts/, and a good cache after it serves', async () => {
  const runtime = join(server.root, names[0]!);
  const good = readFileSync(runtime);
  const bad = Buffer.from(good);
  bad[bad.length - 10]! ^= 0xff;
  writeFileSync(runtime, bad);
  try {
    const { found, warnings, dir } = await lookup([server.url]);
    assert.equal(found, null);
    assert.deepEqual(warnings.map((w) => w.code), ['CHECKSUM_MISMATCH']);
    assert.match(warnings[0]!.message, new RegExp(`${server.url}.*does not match`));
    assert.deepEqual(listDirectory(join(dir, 'artifacts')), [], 'no artifact and no temporary file left');
    rmSync(dir, { recursive: true, force: true });

    // A directory cache holding a good copy, tried next: found, and the bad one is not reported.
    const dirCache = join(work, 'dir-cache');
    const push = runHacktree(['cache', 'push', dirCache, '-C', workspace]);
    assert.equal(push.status, 0, push.stderr);
    assert.deepEqual(readdirSync(dirCache).sort(), ['by-id', ...names].sort(), 'the directory cache holds the artifacts and by-id/, no temporary file');
    assert.deepEqual(readdirSync(join(dirCache, 'by-id')), [`${ID}.json`]);
    const second = await lookup([server.url, dirCache]);
    assert.deepEqual(second.warnings, []);
    assert.equal(second.found?.length, 2);
    for (const name of names) assert.equal(sha256(join(second.dir, 'artifacts', name)), sha256(join(workspace, 'artifacts', name)));
    rmSync(second.dir, { recursive: true, force: true });
  } finally {
    writeFileSync(runtime, good);
  }
});

test('a truncated file on the server is refused too, naming the sizes', async () => {
  const devel = join(server.root, names[1]!);
  const good = readFileSync(devel);
  writeFileSync(devel, good.subarray(0, good.length - 100));
  try {
    const { found, warnings, dir } = await lookup([server.url]);
    assert.equal(found, null);
    assert.deepEqual(warnings.map((w) => w.code), ['CHECKSUM_MISMATCH']);
    assert.match(warnings[0]!.message, new RegExp(`${good.length - 100} bytes, the index gives ${good.length}`));
    assert.deepEqual(listDirectory(join(dir, 'artifacts')), []);
    rmSync(dir, { recursive: true, force: true });
  } finally {
    writeFileSync(devel, good);
  }
});

test('a build the cache does not have (404 index) is a miss without a warning', async () => {
  const { found, warnings, dir } = await lookup([server.url], OTHER_ID);
  assert.equal(found, null);
  assert.deepEqual(warnings, []);
  rmSync(dir, { recursive: true, force: true });
});

test('a cache that is down is a CACHE_FAILED warning naming its URL, and the lookup returns null', async () => {
  const down = `http://127.0.0.1:${await freePort()}/cache/`;
  const { found, warnings, dir } = await lookup([down]);
  assert.equal(found, null);
  assert.deepEqual(warnings.map((w) => w.code), ['CACHE_FAILED']);
  assert.ok(warnings[0]!.message.includes(`${down}by-id/${ID}.json`), warnings[0]!.message);
  assert.deepEqual(listDirectory(join(dir, 'artifacts')), [], 'nothing in artifacts/');
  rmSync(dir, { recursive: true, force: true });
});

test('cache push refuses an artifact without id= and a build missing one of its artifacts', () => {
  const noId = runHacktree(['cache', 'push', join(work, 'never'), join(workspace, 'artifacts', 'old-runtime,b=opt,o=master,r=3.2-opt-x86_64,v=1,.tar.gz')]);
  assertCliError(noId, 'ARTIFACT_NAME_INVALID', ['old-runtime']);
  const lonely = join(work, 'lonely');
  mkdirSync(lonely);
  const name = artifactName('runtime', OTHER_ID);
  writeFileSync(join(lonely, name), 'x\n');
  const half = runHacktree(['cache', 'push', join(work, 'never'), join(lonely, name)]);
  assertCliError(half, 'ARTIFACT_NOT_FOUND', [OTHER_ID]);
  assert.throws(() => readdirSync(join(work, 'never')), /ENOENT/, 'nothing written');
});
