import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { localArtifactsOf } from '../../src/root/deploy/deployRoot.js';
import { kernelCanMountBeneath } from '../../src/root/deploy/mountReadOnly.js';
import { resolvePrefix } from '../../src/root/deploy/resolvePrefix.js';
import { readConfigValue } from '../../src/platform/config/readConfigValue.js';
import { serializeManifest } from '../../src/model/snapshot/manifest.js';
import type { RepoPath } from '../../src/model/snapshot/repoPath.js';

function withEnv(env: Record<string, string | undefined>, body: () => void): void {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  try {
    body();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}

describe('resolvePrefix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hacktree-conf-'));
  const conf = join(dir, 'hacktree.conf');
  writeFileSync(conf, '# deployments\nrepo = /srv/repo\nprefix = /srv/roots\n\n');

  it('takes the option, else HACKTREE_PREFIX, else the config file, else /opt/hacktree', () => {
    withEnv({ HACKTREE_PREFIX: '/env/prefix', HACKTREE_CONFIG: conf }, () => {
      assert.equal(resolvePrefix('/opt/x/'), '/opt/x');
      assert.equal(resolvePrefix(), '/env/prefix');
    });
    withEnv({ HACKTREE_PREFIX: undefined, HACKTREE_CONFIG: conf }, () => assert.equal(resolvePrefix(), '/srv/roots'));
    withEnv({ HACKTREE_PREFIX: undefined, HACKTREE_CONFIG: join(dir, 'missing.conf') }, () => assert.equal(resolvePrefix(), '/opt/hacktree'));
  });

  it('reads key = value lines, skipping comments; the last one wins', () => {
    writeFileSync(join(dir, 'two.conf'), 'prefix=/a\n# prefix = /b\n  prefix   =   "/c d"  \n');
    assert.equal(readConfigValue(join(dir, 'two.conf'), 'prefix'), '/c d');
    assert.equal(readConfigValue(join(dir, 'two.conf'), 'repo'), null);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('deployment helpers', () => {
  it('mounting beneath needs Linux 6.5', () => {
    assert.equal(kernelCanMountBeneath('6.18.44-fc'), true);
    assert.equal(kernelCanMountBeneath('6.5.0'), true);
    assert.equal(kernelCanMountBeneath('6.4.16'), false);
    assert.equal(kernelCanMountBeneath('5.15.0-91-generic'), false);
    assert.equal(kernelCanMountBeneath('7.0'), true);
  });

  it('local components are the o=local artifacts a manifest names, once each', () => {
    const manifest = serializeManifest(new Map([
      ['bin/sh' as RepoPath, 'dash-runtime,b=opt,o=master,r=1.0-opt-x86_64,v=1,.tar.gz'],
      ['usr/bin/zlib' as RepoPath, 'zlib-runtime,b=opt,o=local,r=1.0-opt-x86_64,v=2,.tar.gz'],
      ['usr/lib/libz.so.1' as RepoPath, 'zlib-runtime,b=opt,o=local,r=1.0-opt-x86_64,v=2,.tar.gz'],
    ]));
    assert.deepEqual(localArtifactsOf(manifest), ['zlib-runtime,b=opt,o=local,r=1.0-opt-x86_64,v=2,.tar.gz']);
    assert.deepEqual(localArtifactsOf(undefined), []);
  });
});
