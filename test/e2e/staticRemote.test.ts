import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { assertCliError } from '../helpers/assertCliError.js';
import { hacktreeCommand, inMountNamespace, makeTempDir, type RunResult } from '../helpers/cli.js';
import { hacktreeOk, packDir } from '../helpers/debRoot.js';
import { startNginx, type NginxServer } from '../helpers/nginxServer.js';
import { noiseBytes } from '../helpers/noiseBytes.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../helpers/repoState.js';
import { fingerprintDifferences, treeFingerprint } from '../helpers/treeFingerprint.js';
import { spawnHacktree } from '../helpers/spawnHacktree.js';

// A publisher composes small roots from artifacts and publishes them as a static repository
// into a directory a real nginx serves on 127.0.0.1; machines pull through a small proxy in
// front of it that counts the bytes of each path and can cut a download, as a dying server does.

const V1 = '1.0-runtime-opt-x86_64';
const V2 = '2.0-runtime-opt-x86_64';
let work: string;
let publisher: string;
let nginx: NginxServer;
let proxy: CountingProxy;
let published: string;
/** index.json and its signature as the first publish left them, to replay later. */
let firstIndex: { index: Buffer; sigName: string; sig: Buffer };

const git = (repo: string, ...args: string[]): string => execFileSync('git', [`--git-dir=${repo}`, ...args], { encoding: 'utf8' }).trim();

interface CountingProxy {
  url: string;
  /** Body bytes sent per path since the last reset. */
  bytes: Map<string, number>;
  /** Range headers of pack requests, with the status answered. */
  ranges: Array<{ path: string; range: string; status: number }>;
  /** Cut each pack response after this many body bytes, and close the listener (the server is gone). */
  cutPacksAfter?: number;
  reset(): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function startProxy(target: NginxServer): Promise<CountingProxy> {
  let server: http.Server | undefined;
  let port = 0;
  const p: CountingProxy = {
    url: '',
    bytes: new Map(),
    ranges: [],
    reset() {
      p.bytes.clear();
      p.ranges.length = 0;
    },
    async start() {
      server = http.createServer((req, res) => {
        const upstream = http.request({ host: '127.0.0.1', port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          const path = req.url ?? '';
          if (path.includes('/packs/') && req.headers.range) p.ranges.push({ path, range: req.headers.range, status: answer.statusCode ?? 0 });
          let sent = 0;
          answer.on('data', (chunk: Buffer) => {
            const cut = path.includes('/packs/') ? p.cutPacksAfter : undefined;
            const part = cut !== undefined && sent + chunk.length > cut ? chunk.subarray(0, Math.max(0, cut - sent)) : chunk;
            sent += part.length;
            p.bytes.set(path, (p.bytes.get(path) ?? 0) + part.length);
            res.write(part);
            if (part !== chunk) {
              // FIN, not RST: the client gets every byte sent, then a body shorter than announced.
              answer.destroy();
              res.socket?.end();
              server?.close();
            }
          });
          answer.on('end', () => res.end());
        });
        upstream.on('error', () => res.destroy());
        req.pipe(upstream);
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
      p.url = `http://127.0.0.1:${port}/`;
    },
    async stop() {
      if (server?.listening) await new Promise<void>((resolve) => server!.close(() => resolve()));
      server?.closeAllConnections();
    },
  };
  await p.start();
  return p;
}

function component(name: string, content: Buffer): string {
  const dir = join(work, 'data', `${name}-${content.length}-${content[0]}`);
  mkdirSync(join(dir, 'usr', 'lib', name), { recursive: true });
  writeFileSync(join(dir, 'usr', 'lib', name, 'data.bin'), content);
  writeFileSync(join(dir, 'usr', 'lib', name, 'README'), `${name}\n`);
  return dir;
}

function compose(version: string, runtime: Array<{ name: string; version: string; dir: string }>): string {
  const roots = join(work, 'roots');
  const artifacts = join(work, `artifacts-${version}`);
  mkdirSync(roots, { recursive: true });
  rmSync(artifacts, { recursive: true, force: true });
  for (const c of runtime) packDir(c.dir, { name: c.name, version: c.version, out: artifacts, root: `${version}-opt-x86_64` });
  writeFileSync(join(roots, `${version}.json`), JSON.stringify({ version, arches: ['x86_64'], runtime: runtime.map((c) => c.name) }));
  hacktreeOk(publisher, ['root', 'compose', `${version}-runtime-opt-x86_64`, '--roots', roots, '--artifacts', artifacts, '--sign', join(work, 'key'), '-q']);
  return git(publisher, 'rev-parse', `root-${version}-runtime-opt-x86_64`);
}

function publish(...roots: string[]): { packsWritten: number; packsReused: number; serial: number } {
  return JSON.parse(hacktreeOk(publisher, ['publish', published, ...roots, '--sign', join(work, 'key'), '--json'])) as { packsWritten: number; packsReused: number; serial: number };
}

function newTarget(name: string, url = `${proxy.url}repo`): string {
  const repo = join(work, name);
  hacktreeOk(repo, ['init']);
  hacktreeOk(repo, ['remote', 'add', 'cdn', url, '--static', '--verify', '--allowed-signers', join(work, 'allowed')]);
  return repo;
}

/** hacktree without blocking this process, where the proxy runs. */
function runAsync(args: string[], repo: string): Promise<RunResult> {
  return spawnHacktree(args, { repo });
}

interface PullJson { pulled: Array<{ branch: string; commit: string }>; static: { packsFetched: number; packsHere: number; bytesFetched: number; serial: number } }

async function pullOk(repo: string, ...roots: string[]): Promise<PullJson> {
  const r = await runAsync(['pull', 'cdn', ...roots, '--json'], repo);
  assert.equal(r.status, 0, `pull ${roots.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout) as PullJson;
}

function indexOf(dir: string): { packs: Record<string, { size: number; kind: string; name: string }>; commits: Record<string, { packs: string[]; delta?: { from: string; pack: string } }> } {
  return JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
}

const packBytes = () => [...proxy.bytes].filter(([path]) => path.includes('/packs/')).reduce((sum, [, n]) => sum + n, 0);

let alpha: string;
let beta1: string;
let beta2: string;
let gamma: string;
let v1First: string;

before(async () => {
  work = makeTempDir('hacktree-static');
  publisher = join(work, 'publisher');
  hacktreeOk(publisher, ['init']);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'release', '-f', join(work, 'key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'other', '-f', join(work, 'other')]);
  writeFileSync(join(work, 'allowed'), `release@example.org ${readFileSync(join(work, 'key.pub'), 'utf8')}`);
  alpha = component('alpha', noiseBytes(300_000, 1));
  beta1 = component('beta', noiseBytes(40_000, 2));
  beta2 = component('beta', noiseBytes(50_000, 3));
  gamma = component('gamma', noiseBytes(30_000, 4));
  nginx = await startNginx({ dir: join(work, 'nginx') });
  proxy = await startProxy(nginx);
  published = join(nginx.root, 'repo');
  v1First = compose('1.0', [{ name: 'alpha', version: '1', dir: alpha }, { name: 'beta', version: '1', dir: beta1 }]);
  const first = publish(V1);
  assert.equal(first.serial, 1);
  assert.equal(first.packsWritten, 3, 'alpha, beta and the root commit: one pack each');
  const index = readFileSync(join(published, 'index.json'));
  const sigName = readdirSync(join(published, 'signatures'))[0]!;
  firstIndex = { index, sigName, sig: readFileSync(join(published, 'signatures', sigName)) };
});

after(async () => {
  await proxy?.stop();
  await nginx?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('publish, then pull into an empty repository: the same commit, fsck clean, the same checkout', async () => {
  const target = newTarget('first');
  proxy.reset();
  const pulled = await pullOk(target, V1);
  assert.equal(pulled.pulled[0]!.commit, v1First);
  assert.equal(git(target, 'rev-parse', `root-${V1}`), v1First);
  assert.equal(pulled.static.packsFetched, 3);
  const index = indexOf(published);
  const sizes = index.commits[v1First]!.packs.reduce((sum, id) => sum + index.packs[id]!.size, 0);
  assert.equal(packBytes(), sizes, 'exactly the three packs travelled');
  assert.equal(pulled.static.bytesFetched, sizes);
  assertFsckClean(target);
  hacktreeOk(publisher, ['checkout', `root-${V1}`, join(work, 'co-publisher')]);
  hacktreeOk(target, ['checkout', `root-${V1}`, join(work, 'co-first')]);
  assert.deepEqual(fingerprintDifferences(treeFingerprint(join(work, 'co-publisher')), treeFingerprint(join(work, 'co-first'))), []);
});

test('a new version with one artifact changed transfers only its pack and the root pack; a root sharing components only what it lacks', async () => {
  const target = newTarget('updates');
  await pullOk(target, V1);
  const v2 = compose('1.0', [{ name: 'alpha', version: '1', dir: alpha }, { name: 'beta', version: '2', dir: beta2 }]);
  const second = publish(V1);
  assert.equal(second.packsWritten, 3, 'the new beta, the new root commit and the delta from the first');
  assert.equal(second.packsReused, 1, 'alpha is shared');
  proxy.reset();
  const pulled = await pullOk(target, V1);
  assert.equal(pulled.pulled[0]!.commit, v2);
  assert.equal(pulled.static.packsFetched, 2);
  assert.equal(pulled.static.packsHere, 1);
  const index = indexOf(published);
  const delta = index.commits[v2]!.delta;
  assert.equal(delta?.from, v1First, 'the second version has a delta pack from the first');
  const fetched = index.commits[v2]!.packs.filter((id) => !index.commits[v1First]!.packs.includes(id)).map((id) => (delta && index.packs[id]!.kind === 'root' ? delta.pack : id));
  assert.equal(packBytes(), fetched.reduce((sum, id) => sum + index.packs[id]!.size, 0), 'only the new packs travelled (the delta in place of the root pack)');
  assert.ok(packBytes() < 50_000 * 1.2 + 8192, `about the changed artifact (${packBytes()} bytes)`);
  assertFsckClean(target);

  // Another root with alpha (the same files, built for another root) and gamma.
  const other = compose('2.0', [{ name: 'alpha', version: '1', dir: alpha }, { name: 'gamma', version: '1', dir: gamma }]);
  const third = publish(V2);
  assert.equal(third.packsWritten, 2, 'gamma and the root commit; alpha is the same pack');
  proxy.reset();
  const shared = await pullOk(target, V2);
  assert.equal(shared.pulled[0]!.commit, other);
  assert.equal(shared.static.packsFetched, 2);
  assert.equal(shared.static.packsHere, 1);
  const alphaPack = Object.entries(indexOf(published).packs).find(([, p]) => p.name.startsWith('alpha-runtime'))![0];
  assert.equal(proxy.bytes.get(`/repo/packs/${alphaPack}.pack.zst`), undefined, 'alpha did not travel again');
  assertFsckClean(target);
});

test('a root committed from a directory: its next version, one file changed, publishes only a delta layered on the first version\'s root pack; pulls from empty and from the first version, and a dumb-HTTP clone, give the same tree', async () => {
  const dir = join(nginx.root, 'layered');
  const tree = join(work, 'plain');
  mkdirSync(join(tree, 'usr', 'lib'), { recursive: true });
  writeFileSync(join(tree, 'usr', 'lib', 'big.bin'), noiseBytes(400_000, 5));
  writeFileSync(join(tree, 'usr', 'lib', 'small'), 'one\n');
  const publishPlain = () => JSON.parse(hacktreeOk(publisher, ['publish', dir, 'plain', '--sign', join(work, 'key'), '--json'])) as { packsWritten: number; packsReused: number };
  hacktreeOk(publisher, ['root', 'commit', 'root-plain', '--tree', `dir=${tree}`, '--sign', join(work, 'key'), '-q']);
  const v1 = git(publisher, 'rev-parse', 'root-plain');
  assert.equal(publishPlain().packsWritten, 1, 'no manifest: one root pack');
  const holder = newTarget('plain-holder', `${proxy.url}layered`);
  await pullOk(holder, 'plain');

  const change = join(work, 'plain-change');
  mkdirSync(join(change, 'usr', 'lib'), { recursive: true });
  writeFileSync(join(change, 'usr', 'lib', 'small'), 'two\n');
  hacktreeOk(publisher, ['root', 'commit', 'root-plain', '--tree', 'ref=root-plain', '--tree', `dir=${change}`, '--union', '--sign', join(work, 'key'), '-q']);
  const v2 = git(publisher, 'rev-parse', 'root-plain');
  assert.equal(publishPlain().packsWritten, 1, 'only the delta: the root pack is not written again');
  const index = indexOf(dir);
  const delta = index.commits[v2]!.delta!;
  assert.equal(delta.from, v1);
  assert.deepEqual(index.commits[v2]!.packs, [...index.commits[v1]!.packs, delta.pack], 'the first version\'s root pack, then the delta');

  proxy.reset();
  const update = await pullOk(holder, 'plain');
  assert.equal(update.pulled[0]!.commit, v2);
  assert.equal(update.static.packsFetched, 1);
  assert.equal(update.static.bytesFetched, index.packs[delta.pack]!.size, 'only the delta travelled');
  assertFsckClean(holder);

  const fresh = newTarget('plain-fresh', `${proxy.url}layered`);
  const pulled = await pullOk(fresh, 'plain');
  assert.equal(pulled.pulled[0]!.commit, v2);
  assert.equal(pulled.static.packsFetched, 2);
  assertFsckClean(fresh);
  hacktreeOk(publisher, ['checkout', 'root-plain', join(work, 'co-plain-publisher')]);
  hacktreeOk(fresh, ['checkout', 'root-plain', join(work, 'co-plain-fresh')]);
  assert.equal(readFileSync(join(work, 'co-plain-fresh', 'usr', 'lib', 'small'), 'utf8'), 'two\n');
  assert.deepEqual(fingerprintDifferences(treeFingerprint(join(work, 'co-plain-publisher')), treeFingerprint(join(work, 'co-plain-fresh'))), []);

  const clone = join(work, 'plain-clone.git');
  execFileSync('git', ['clone', '-q', '--bare', `${nginx.url}layered`, clone], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  assert.equal(git(clone, 'rev-parse', 'root-plain'), v2);
  assert.equal(execFileSync('git', [`--git-dir=${clone}`, 'fsck', '--strict', '--no-progress'], { encoding: 'utf8' }).trim(), '');
});

test('a layered version whose packs carry its parent commit, the parent\'s own parent unpublished (--keep): a pull from empty marks it shallow, fsck clean', async () => {
  const dir = join(nginx.root, 'layered-keep');
  const change = join(work, 'plain-change-3');
  mkdirSync(join(change, 'usr', 'lib'), { recursive: true });
  writeFileSync(join(change, 'usr', 'lib', 'small'), 'three\n');
  hacktreeOk(publisher, ['root', 'commit', 'root-plain', '--tree', 'ref=root-plain', '--tree', `dir=${change}`, '--union', '--sign', join(work, 'key'), '-q']);
  const [v3, v2] = [git(publisher, 'rev-parse', 'root-plain'), git(publisher, 'rev-parse', 'root-plain^')];
  hacktreeOk(publisher, ['publish', dir, 'plain', '--keep', '2', '--sign', join(work, 'key'), '-q']);
  const index = indexOf(dir);
  assert.deepEqual(Object.keys(index.commits).sort(), [v2, v3].sort());
  assert.ok(index.commits[v3]!.packs.includes(index.commits[v3]!.delta!.pack), 'the newest is layered on its parent\'s root pack');
  const target = newTarget('layered-keep', `${proxy.url}layered-keep`);
  assert.equal((await pullOk(target, 'plain')).pulled[0]!.commit, v3);
  assert.equal(git(target, 'cat-file', '-t', v2), 'commit', 'the parent commit came with the packs');
  assert.equal(readFileSync(join(target, 'shallow'), 'utf8'), `${v3}\n`);
  assertFsckClean(target);
});

test('git clone of the published URL over dumb HTTP gives the same commits', () => {
  const clone = join(work, 'clone.git');
  execFileSync('git', ['clone', '-q', '--bare', `${nginx.url}repo`, clone], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  for (const root of [V1, V2]) assert.equal(git(clone, 'rev-parse', `root-${root}`), git(publisher, 'rev-parse', `root-${root}`));
  const fsck = execFileSync('git', [`--git-dir=${clone}`, 'fsck', '--strict', '--no-progress'], { encoding: 'utf8' });
  assert.equal(fsck.trim(), '');
});

/** A copy of the published repository at another path, damaged by `damage`, and a fresh target pulling from it. */
function faultyCopy(name: string, damage: (dir: string) => void): string {
  const dir = join(nginx.root, name);
  cpSync(published, dir, { recursive: true });
  damage(dir);
  return newTarget(`target-${name}`, `${proxy.url}${name}`);
}

async function assertRefused(target: string, code: Parameters<typeof assertCliError>[1], names: string[]): Promise<void> {
  const before = snapshotRepoState(target);
  assertCliError(await runAsync(['pull', 'cdn', V1], target), code, names);
  assertRepoUnchanged(before, snapshotRepoState(target));
  assertFsckClean(target);
}

const newestPack = (dir: string): string => {
  const index = indexOf(dir);
  const commit = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')).roots[`root-${V1}`] as string;
  return index.commits[commit]!.packs.find((id) => index.packs[id]!.kind === 'component' && index.packs[id]!.name.startsWith('beta'))!;
};

test('a truncated pack, a substituted pack and a pack the server lacks are refused; nothing moves', async () => {
  const truncated = faultyCopy('truncated', (dir) => {
    const id = newestPack(dir);
    truncateSync(join(dir, 'packs', `${id}.pack.zst`), 1000);
  });
  await assertRefused(truncated, 'STATIC_PACK_MISMATCH', ['cdn', 'sha256']);
  // The packs that checked out were indexed: the commit may be here, but it is not complete
  // until the refused pack arrives from a sound server.
  git(truncated, 'config', 'remote.cdn.url', `${proxy.url}repo`);
  assert.equal((await pullOk(truncated, V1)).pulled[0]!.commit, git(publisher, 'rev-parse', `root-${V1}`));
  assertFsckClean(truncated);
  const substituted = faultyCopy('substituted', (dir) => {
    const id = newestPack(dir);
    const file = join(dir, 'packs', `${id}.pack.zst`);
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1]! ^= 0xff;
    writeFileSync(file, bytes);
  });
  await assertRefused(substituted, 'STATIC_PACK_MISMATCH', ['cdn', 'sha256']);
  const missing = faultyCopy('missing', (dir) => rmSync(join(dir, 'packs', `${newestPack(dir)}.pack.zst`)));
  await assertRefused(missing, 'STATIC_PACK_MISSING', ['cdn', '404']);
});

test('a pack holding another object under an id the repository has is refused with PACK_OBJECT_COLLISION; nothing moves, the pack is not kept', async () => {
  // No real SHA-1 collision can be made here: the repository's own copy of a blob the pack
  // carries (beta's README) is damaged on disk instead, so it holds other bytes under that id.
  const target = newTarget('collide');
  const oid = execFileSync('git', ['hash-object', '--stdin'], { input: 'beta\n', encoding: 'utf8' }).trim();
  git(publisher, 'cat-file', '-e', oid);
  const loose = join(target, 'objects', oid.slice(0, 2), oid.slice(2));
  mkdirSync(join(loose, '..'), { recursive: true });
  writeFileSync(loose, deflateSync('blob 5\0BETA\n'));
  const before = snapshotRepoState(target);
  assertCliError(await runAsync(['pull', 'cdn', V1], target), 'PACK_OBJECT_COLLISION', [oid, 'cdn', '/packs/']);
  assertRepoUnchanged(before, snapshotRepoState(target));
  assert.deepEqual(readdirSync(join(target, 'objects', 'hacktree-incoming')).filter((name) => name.endsWith('.part')), [], 'the refused pack is not kept to be resumed');
  rmSync(loose); // the damage this test made: nothing else is wrong
  assertFsckClean(target);
  assert.equal((await pullOk(target, V1)).pulled[0]!.commit, git(publisher, 'rev-parse', `root-${V1}`));
  assertFsckClean(target);
});

test('an index signed by another key, or not signed, is refused; so is an older index replayed', async () => {
  const forged = faultyCopy('forged', (dir) => {
    for (const name of readdirSync(join(dir, 'signatures'))) {
      const sig = execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-n', 'hacktree-index', '-f', join(work, 'other')], { input: readFileSync(join(dir, 'index.json')) });
      writeFileSync(join(dir, 'signatures', name), sig);
    }
  });
  await assertRefused(forged, 'SIGNATURE_INVALID', ['cdn', 'index.json']);
  const unsigned = faultyCopy('unsigned', (dir) => rmSync(join(dir, 'signatures'), { recursive: true }));
  await assertRefused(unsigned, 'SIGNATURE_INVALID', ['not signed']);

  // A machine that saw the newest index, then is served the first one (validly signed, older).
  const target = newTarget('replayed', `${proxy.url}replay`);
  cpSync(published, join(nginx.root, 'replay'), { recursive: true });
  await pullOk(target, V1);
  writeFileSync(join(nginx.root, 'replay', 'index.json'), firstIndex.index);
  writeFileSync(join(nginx.root, 'replay', 'signatures', firstIndex.sigName), firstIndex.sig);
  await assertRefused(target, 'STATIC_INDEX_ROLLBACK', ['serial 1', 'cdn']);
});

test('the server gone mid-download: the pull fails and nothing moves; the next pull resumes with a Range request', async () => {
  const target = newTarget('resumed');
  const before = snapshotRepoState(target);
  proxy.reset();
  proxy.cutPacksAfter = 64 * 1024;
  const cut = await runAsync(['pull', 'cdn', V1], target);
  assertCliError(cut, 'REMOTE_FAILED', ['next pull resumes']);
  assertRepoUnchanged(before, snapshotRepoState(target));
  assertFsckClean(target);
  proxy.cutPacksAfter = undefined;
  await proxy.start();
  const pulled = await pullOk(target, V1);
  assert.equal(pulled.pulled[0]!.commit, git(publisher, 'rev-parse', `root-${V1}`));
  const resumed = proxy.ranges.filter((r) => r.status === 206 && /^bytes=[1-9]\d*-$/.test(r.range));
  assert.ok(resumed.length > 0, `a Range request continued the cut pack: ${JSON.stringify(proxy.ranges)}`);
  const index = indexOf(published);
  for (const { path } of resumed) {
    const id = /packs\/([0-9a-f]{64})\.pack\.zst$/.exec(path)![1]!;
    assert.equal(proxy.bytes.get(path), index.packs[id]!.size, 'no byte of the cut pack travelled twice');
  }
  assertFsckClean(target);
});

test('publish --keep 1 drops the older versions from the index and the packs only they needed, after the new index is in place', async () => {
  const dir = join(nginx.root, 'kept');
  hacktreeOk(publisher, ['publish', dir, V1, '--sign', join(work, 'key'), '-q']);
  const full = indexOf(dir);
  assert.ok(full.commits[v1First], 'the full publish describes the first version');
  const onlyFirst = full.commits[v1First]!.packs.filter((id) => !Object.entries(full.commits).some(([c, v]) => c !== v1First && v.packs.includes(id)));
  assert.equal(onlyFirst.length, 2, 'beta 1 and the first root commit');
  const kept = JSON.parse(hacktreeOk(publisher, ['publish', dir, V1, '--keep', '1', '--sign', join(work, 'key'), '--json'])) as { packsDropped: number };
  assert.equal(kept.packsDropped, 2);
  const index = indexOf(dir);
  assert.equal(index.commits[v1First], undefined);
  assert.deepEqual(onlyFirst.filter((id) => readdirSync(join(dir, 'packs')).includes(`${id}.pack.zst`)), [], 'their files are gone');
  const target = newTarget('kept', `${proxy.url}kept`);
  const pulled = await pullOk(target, V1);
  assert.equal(pulled.pulled[0]!.commit, git(publisher, 'rev-parse', `root-${V1}`));
  assertFsckClean(target);
});

test('publish --upload copies the repository to a WebDAV server by PUT, index last; a refused password is AUTH_FAILED', async () => {
  const dav = await startNginx({ dir: join(work, 'dav'), user: 'publisher', password: 'pw-123' });
  try {
    const local = join(work, 'local-copy');
    assertCliError(publishWith(['publish', local, V1, '--sign', join(work, 'key'), '--upload', `${dav.url}roots`], { HACKTREE_PUBLISH_USER: 'publisher', HACKTREE_PUBLISH_PASSWORD: 'wrong' }), 'AUTH_FAILED', ['401']);
    const sent = JSON.parse(hacktreeOk(publisher, ['publish', local, V1, '--sign', join(work, 'key'), '--upload', `${dav.url}roots`, '--json'], { HACKTREE_PUBLISH_USER: 'publisher', HACKTREE_PUBLISH_PASSWORD: 'pw-123' })) as { upload: { filesSent: number } };
    assert.ok(sent.upload.filesSent > 0);
    assert.deepEqual(readFileSync(join(dav.root, 'roots', 'index.json')), readFileSync(join(local, 'index.json')));
    const target = join(work, 'from-dav');
    hacktreeOk(target, ['init']);
    hacktreeOk(target, ['remote', 'add', 'cdn', `${dav.url}roots`, '--static', '--verify', '--allowed-signers', join(work, 'allowed')]);
    assert.equal((await pullOk(target, V1)).pulled[0]!.commit, git(publisher, 'rev-parse', `root-${V1}`));
    assertFsckClean(target);
    // A second upload sends only what changed: no pack, the small files and the index.
    const again = JSON.parse(hacktreeOk(publisher, ['publish', local, V1, '--upload', `${dav.url}roots`, '--json'], { HACKTREE_PUBLISH_USER: 'publisher', HACKTREE_PUBLISH_PASSWORD: 'pw-123' })) as { upload: { filesSent: number; bytesSent: number } };
    assert.ok(again.upload.bytesSent < 20_000, `only small files went again (${again.upload.bytesSent} bytes)`);
  } finally {
    await dav.stop();
  }
});

test('publish --upload deletes on the WebDAV server what --keep dropped, only after the new index; a refused DELETE is a warning, tried again by the next publish', async () => {
  const davDir = join(work, 'dav-prune');
  const local = join(work, 'local-prune');
  const key = join(work, 'key');
  let dav = await startNginx({ dir: davDir });
  try {
    const server = () => join(dav.root, 'roots');
    const filesOf = (dir: string, sub: string) => readdirSync(join(dir, sub)).filter((n) => !n.includes('.tmp-')).sort();
    hacktreeOk(publisher, ['publish', local, V1, '--sign', key, '--upload', `${dav.url}roots`, '-q']);
    const full = Object.keys(indexOf(local).packs);
    const firstSignature = filesOf(local, 'signatures');
    assert.equal(firstSignature.length, 1);
    assert.deepEqual(filesOf(server(), 'packs'), full.map((id) => `${id}.pack.zst`).sort());

    // This server refuses DELETE (dav_methods PUT): the publish succeeds with a warning.
    const pruned = publishWith(['publish', local, V1, '--keep', '1', '--sign', key, '--upload', `${dav.url}roots`, '--json'], {});
    assert.equal(pruned.status, 0, pruned.stderr);
    const dropped = full.filter((id) => indexOf(local).packs[id] === undefined);
    assert.equal((JSON.parse(pruned.stdout) as { packsDropped: number }).packsDropped, dropped.length);
    assert.ok(dropped.length >= 2, 'the first version\'s own packs are dropped');
    for (const id of dropped) assert.match(pruned.stderr, new RegExp(`warning: could not delete packs/${id}\\.pack\\.zst .*HTTP 405.*tries again`));
    assert.ok(!pruned.stderr.includes('INTERNAL'));
    assert.deepEqual(readFileSync(join(server(), 'index.json')), readFileSync(join(local, 'index.json')), 'the new index is up');
    for (const id of dropped) assert.ok(filesOf(server(), 'packs').includes(`${id}.pack.zst`), 'still on the server');
    const listed = (JSON.parse(readFileSync(join(server(), 'uploaded.json'), 'utf8')) as { files: string[] }).files;
    for (const id of dropped) assert.ok(listed.includes(`packs/${id}.pack.zst`), 'uploaded.json keeps what is still to delete');

    // The same files served by an nginx that allows DELETE: the next publish deletes them, after its index.
    await dav.stop();
    dav = await startNginx({ dir: davDir, davMethods: 'PUT DELETE' });
    const logBefore = readFileSync(join(davDir, 'access.log'), 'utf8').length;
    assert.deepEqual(filesOf(server(), 'signatures').length, 2);
    const again = JSON.parse(hacktreeOk(publisher, ['publish', local, V1, '--keep', '1', '--sign', key, '--upload', `${dav.url}roots`, '--json'])) as { upload: { filesDeleted: number; notDeleted: unknown[] } };
    assert.deepEqual(again.upload.notDeleted, []);
    assert.deepEqual(filesOf(server(), 'packs'), filesOf(local, 'packs').filter((n) => n.endsWith('.pack.zst')), 'the server holds the packs the local copy holds');
    assert.deepEqual(filesOf(local, 'signatures').length, 2, '--keep keeps the signatures of the new index and the one it replaced');
    assert.deepEqual(filesOf(server(), 'signatures'), filesOf(local, 'signatures'), 'the first index\'s signature is gone there too');
    assert.ok(!filesOf(server(), 'signatures').includes(firstSignature[0]!));
    assert.equal(again.upload.filesDeleted, dropped.length + 1);
    const log = readFileSync(join(davDir, 'access.log'), 'utf8').slice(logBefore).split('\n');
    const indexPut = log.findIndex((l) => l.includes('"PUT /roots/index.json '));
    const deletes = log.flatMap((l, i) => (l.includes('"DELETE ') ? [i] : []));
    assert.ok(indexPut >= 0 && deletes.length === again.upload.filesDeleted && deletes.every((i) => i > indexPut), 'every DELETE came after the index');

    const target = newTarget('from-pruned-dav', `${dav.url}roots`);
    assert.equal((await pullOk(target, V1)).pulled[0]!.commit, git(publisher, 'rev-parse', `root-${V1}`));
    assertFsckClean(target);
    assertFsckClean(publisher);
  } finally {
    await dav.stop();
  }
});

/** Rewrites a published index with `edit` and signs it again with the release key, as a publisher could have. */
function resignIndex(dir: string, edit: (index: Record<string, unknown>) => void): void {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as Record<string, unknown>;
  edit(index);
  const bytes = Buffer.from(`${JSON.stringify(index, null, 1)}\n`);
  writeFileSync(join(dir, 'index.json'), bytes);
  const sig = execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-n', 'hacktree-index', '-f', join(work, 'key')], { input: bytes });
  writeFileSync(join(dir, 'signatures', `${createHash('sha256').update(bytes).digest('hex')}.sig`), sig);
}

test('an index past its expiry is refused with STATIC_INDEX_EXPIRED and nothing moves; pull --allow-expired takes it; an index without expiry expires 7 days after it was published', async () => {
  const index = JSON.parse(readFileSync(join(published, 'index.json'), 'utf8')) as { published: string; expires: string };
  assert.equal(Date.parse(index.expires) - Date.parse(index.published), 7 * 86_400_000, 'publish writes an expiry 7 days ahead by default');

  const expired = faultyCopy('expired', (dir) => resignIndex(dir, (i) => (i.expires = '2026-01-02T03:04:05.000Z')));
  const refused = await runAsync(['pull', 'cdn', V1], expired);
  assert.match(refused.stderr, /hint: .*"hacktree publish DIR --sign KEY" again.*"hacktree pull --allow-expired"/);
  await assertRefused(expired, 'STATIC_INDEX_EXPIRED', ['cdn', 'index.json', 'expired at 2026-01-02T03:04:05.000Z']);
  const taken = await runAsync(['pull', 'cdn', V1, '--allow-expired', '--json'], expired);
  assert.equal(taken.status, 0, taken.stderr);
  assert.equal(git(expired, 'rev-parse', `root-${V1}`), git(publisher, 'rev-parse', `root-${V1}`));
  assertFsckClean(expired);

  const old = faultyCopy('unexpiring-old', (dir) => resignIndex(dir, (i) => {
    delete i.expires;
    i.published = new Date(Date.now() - 8 * 86_400_000).toISOString();
  }));
  await assertRefused(old, 'STATIC_INDEX_EXPIRED', ['no expiry', '7 days after it was published']);
  const recent = faultyCopy('unexpiring-recent', (dir) => resignIndex(dir, (i) => delete i.expires));
  await pullOk(recent, V1);
  assertFsckClean(recent);
});

test('publish --valid-for sets the expiry; a bad --valid-for is refused and nothing is written', () => {
  const dir = join(nginx.root, 'valid-for');
  const out = JSON.parse(hacktreeOk(publisher, ['publish', dir, V1, '--valid-for', '2d', '--json'])) as { expires: string };
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { published: string; expires: string };
  assert.equal(index.expires, out.expires);
  assert.equal(Date.parse(index.expires) - Date.parse(index.published), 2 * 86_400_000);
  const before = readFileSync(join(dir, 'index.json'));
  for (const bad of ['soon', '30s', '-1d']) {
    assertCliError(publishWith(['publish', dir, V1, `--valid-for=${bad}`], {}), 'USAGE', ['--valid-for']);
    assert.deepEqual(readFileSync(join(dir, 'index.json')), before, 'the index is as it was');
  }
  assertFsckClean(publisher);
});

test('publish into a directory on another filesystem than the repository (a tmpfs): the dumb-HTTP packs are renamed there, not across', () => {
  const dir = join(work, 'other-fs');
  mkdirSync(dir);
  const r = inMountNamespace(`mount -t tmpfs tmpfs ${dir}
    ${hacktreeCommand} publish ${dir}/roots ${V1} --repo ${publisher} -q
    git clone -q --bare ${dir}/roots ${dir}/clone.git
    git --git-dir=${dir}/clone.git rev-parse root-${V1}`);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), git(publisher, 'rev-parse', `root-${V1}`));
  assertFsckClean(publisher);
});

function publishWith(args: string[], env: Record<string, string>): RunResult {
  const r = spawnSync(hacktreeCommand, [...args, '--repo', publisher], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('two pulls into one repository at once: each pack is downloaded once, the branch ends at the commit, fsck clean', async () => {
  const target = newTarget('twice');
  proxy.reset();
  const [a, b] = await Promise.all([runAsync(['pull', 'cdn', V1], target), runAsync(['pull', 'cdn', V1], target)]);
  for (const r of [a, b]) assert.ok(!`${r.stdout}${r.stderr}`.includes('INTERNAL'), r.stderr);
  assert.ok(a.status === 0 || b.status === 0, `${a.stderr}\n${b.stderr}`);
  assert.equal(git(target, 'rev-parse', `root-${V1}`), git(publisher, 'rev-parse', `root-${V1}`));
  const index = indexOf(published);
  const commit = git(publisher, 'rev-parse', `root-${V1}`);
  assert.equal(packBytes(), index.commits[commit]!.packs.reduce((sum, id) => sum + index.packs[id]!.size, 0), 'no pack travelled twice');
  assertFsckClean(target);
});
