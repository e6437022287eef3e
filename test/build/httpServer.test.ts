import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../helpers/cli.js';
import { startHttpServer, type TestHttpServer } from '../helpers/httpServer.js';

describe('the test HTTP server helper', () => {
  let tmp: string;
  let server: TestHttpServer;
  before(async () => {
    tmp = makeTempDir('hacktree-httpserver');
    server = await startHttpServer(tmp, { allowPut: true });
  });
  after(async () => {
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('stores PUT bodies when allowed and serves them back; counts requests', async () => {
    const put = await fetch(`${server.url}/cache/ab/artifact.tar.gz`, { method: 'PUT', body: 'artifact bytes' });
    assert.equal(put.status, 201);
    assert.equal(readFileSync(join(tmp, 'cache/ab/artifact.tar.gz'), 'utf8'), 'artifact bytes');
    const get = await fetch(`${server.url}/cache/ab/artifact.tar.gz`);
    assert.equal(await get.text(), 'artifact bytes');
    assert.equal(server.requestCount('/cache/ab/artifact.tar.gz'), 2);
    assert.equal((await fetch(`${server.url}/nothing`)).status, 404);
  });

  it('refuses PUT unless allowed', async () => {
    const readOnly = await startHttpServer(tmp);
    try {
      assert.equal((await fetch(`${readOnly.url}/x`, { method: 'PUT', body: 'x' })).status, 405);
    } finally {
      await readOnly.close();
    }
  });
});
