import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { makeTempDir } from '../helpers/cli.js';
import { startHttpServer, type TestHttpServer } from '../helpers/httpServer.js';
import { makeRecipeWorkspace, write } from '../helpers/recipeWorkspace.js';
import { spawnHacktree } from '../helpers/spawnHacktree.js';

// bin/hacktree starts node without NODE_EXTRA_CA_CERTS and hacktree trusts that file's
// certificates itself, for its own HTTPS requests only (see bin/hacktree): a source served over
// HTTPS by a server whose certificate only that file's CA signed must still be fetched. The
// server runs in this process: hacktree runs asynchronously (spawnHacktree) so that it answers.

let tmp: string;
let server: TestHttpServer;
let workspace: string;
let sum: string;

before(async () => {
  tmp = makeTempDir('hacktree-e2e-https');
  const tls = join(tmp, 'tls');
  mkdirSync(tls);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: tls, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=hacktree test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(tls, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');

  workspace = makeRecipeWorkspace(join(tmp, 'ws'));
  const served = join(tmp, 'served');
  mkdirSync(served);
  cpSync(join(workspace, 'recipes/files/liba-1.0.tar.gz'), join(served, 'liba-1.0.tar.gz'));
  sum = createHash('sha256').update(readFileSync(join(served, 'liba-1.0.tar.gz'))).digest('hex');
  server = await startHttpServer(served, { tls: { key: readFileSync(join(tls, 'server.key'), 'utf8'), cert: readFileSync(join(tls, 'server.pem'), 'utf8') } });
  write(workspace, 'recipes/liba_1.0.bb', `LICENSE = "MIT"\nSRC_URI = "${server.url}/liba-\${PV}.tar.gz"\nSRC_URI[sha256sum] = "${sum}"\n`);
});
after(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function cachedIn(sources: string): boolean {
  return existsSync(join(sources, sum, 'liba-1.0.tar.gz'));
}

test('the hacktree command trusts the CA that NODE_EXTRA_CA_CERTS names for its HTTPS fetches', async () => {
  const sources = join(tmp, 'sources-command');
  const result = await spawnHacktree(['fetch', 'liba', '-C', workspace], { env: { NODE_EXTRA_CA_CERTS: join(tmp, 'tls/ca.pem'), HACKTREE_SOURCE_CACHE: sources } });
  assert.equal(result.status, 0, result.stderr);
  assert.ok(cachedIn(sources), 'the download is in the source cache');
  assert.ok(server.requestCount('/liba-1.0.tar.gz') >= 1);
});

test('run with node directly (node loads NODE_EXTRA_CA_CERTS itself), the same fetch works too', async () => {
  const sources = join(tmp, 'sources-node');
  const result = await spawnHacktree(['fetch', 'liba', '-C', workspace], {
    env: { NODE_EXTRA_CA_CERTS: join(tmp, 'tls/ca.pem'), HACKTREE_SOURCE_CACHE: sources },
    withNode: true,
  });
  assert.equal(result.status, 0, result.stderr);
  assert.ok(cachedIn(sources));
});

test('without that CA the fetch fails on the certificate, naming the URL, and caches nothing', async () => {
  const sources = join(tmp, 'sources-untrusted');
  const result = await spawnHacktree(['fetch', 'liba', '-C', workspace], { env: { NODE_EXTRA_CA_CERTS: '', HACKTREE_SOURCE_CACHE: sources } });
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /error\[FETCH_FAILED\]/);
  assert.ok(result.stderr.includes(`${server.url}/liba-1.0.tar.gz`), result.stderr);
  assert.match(result.stderr, /certificate/i);
  assert.ok(!cachedIn(sources));
});

test('an unreadable NODE_EXTRA_CA_CERTS is a warning, as with node itself, and the fetch then fails on the certificate', async () => {
  const sources = join(tmp, 'sources-missing-ca');
  const result = await spawnHacktree(['fetch', 'liba', '-C', workspace], { env: { NODE_EXTRA_CA_CERTS: join(tmp, 'tls/no-such.pem'), HACKTREE_SOURCE_CACHE: sources } });
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /Ignoring extra certs from `.*no-such\.pem`/);
  assert.match(result.stderr, /error\[FETCH_FAILED\]/);
  assert.ok(!cachedIn(sources));
});
