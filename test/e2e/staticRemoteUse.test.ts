import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertCliError } from '../helpers/assertCliError.js';
import { hacktreeBin, inMountNamespace, makeTempDir, runHacktree, type RunResult } from '../helpers/cli.js';
import { hacktreeOk, packDir } from '../helpers/debRoot.js';
import { startNginx, type NginxServer } from '../helpers/nginxServer.js';
import { noiseBytes } from '../helpers/noiseBytes.js';
import { assertFsckClean } from '../helpers/repoState.js';
import { spawnHacktree } from '../helpers/spawnHacktree.js';

// Remotes of both kinds work the same way (issue 16): a deployed root upgrades from a static
// repository on a real nginx (--check, --stage, --apply, with a signed index and signed commits),
// `fsck --repair --from` mends damaged objects from it, and several machines pull the same update
// from one nginx at once.

const NAME = '1.0-runtime-opt-x86_64';
const BRANCH = `root-${NAME}`;
let work: string;
let publisher: string;
let nginx: NginxServer;
let url: string;
let version = 0;

const git = (repo: string, ...args: string[]): string => execFileSync('git', [`--git-dir=${repo}`, ...args], { encoding: 'utf8' }).trim();

/** Composes a new version whose /usr/bin/hello says `hello N` beside a big unchanged component, and publishes it; returns its commit. */
function publishNewVersion(): string {
  version++;
  const artifacts = join(work, `artifacts-${version}`);
  const hello = join(work, 'data', `hello-${version}`);
  mkdirSync(join(hello, 'usr/bin'), { recursive: true });
  writeFileSync(join(hello, 'usr/bin/hello'), `#!/bin/sh\necho hello ${version}\n`, { mode: 0o755 });
  packDir(hello, { name: 'hello', version: String(version), out: artifacts });
  packDir(join(work, 'data', 'big'), { name: 'big', version: '1', out: artifacts });
  hacktreeOk(publisher, ['root', 'compose', NAME, '--roots', join(work, 'roots'), '--artifacts', artifacts, '--sign', join(work, 'key'), '-q']);
  hacktreeOk(publisher, ['publish', join(nginx.root, 'repo'), '--sign', join(work, 'key'), '-q']);
  return git(publisher, 'rev-parse', BRANCH);
}

function newTarget(name: string, remoteUrl = url): string {
  const repo = join(work, name);
  hacktreeOk(repo, ['init']);
  hacktreeOk(repo, ['remote', 'add', 'cdn', remoteUrl, '--static', '--verify', '--allowed-signers', join(work, 'allowed')]);
  return repo;
}

/** hacktree without blocking this process, so that several run at once. */
function runAsync(args: string[], repo: string): Promise<RunResult> {
  return spawnHacktree(args, { repo });
}

const publishedIndex = () => JSON.parse(readFileSync(join(nginx.root, 'repo', 'index.json'), 'utf8')) as { commits: Record<string, { packs: string[] }>; packs: Record<string, { kind: string; gitPack: string }> };

/** The id of the published pack of `kind` for the branch's commit. */
function publishedPackId(repo: string, kind: string): string {
  const index = publishedIndex();
  return index.commits[git(repo, 'rev-parse', BRANCH)]!.packs.find((p) => index.packs[p]!.kind === kind)!;
}

/** The local files of that pack: objects/pack/pack-<gitPack>. */
function localPack(repo: string, kind: string): string {
  return join(repo, 'objects', 'pack', `pack-${publishedIndex().packs[publishedPackId(repo, kind)]!.gitPack}`);
}

/** Flips the last byte of a packed object's deflated data (its zlib checksum): it no longer inflates. */
function flipPackedObject(pack: string, oid: string): void {
  const line = execFileSync('git', ['verify-pack', '-v', `${pack}.idx`], { encoding: 'utf8' }).split('\n').find((l) => l.startsWith(`${oid} `));
  assert.ok(line, `${oid} is in ${pack}`);
  const [, , , length, offset] = line.split(/\s+/);
  const bytes = readFileSync(`${pack}.pack`);
  bytes[Number(offset) + Number(length) - 1]! ^= 0xff;
  writeFileSync(`${pack}.pack`, bytes);
}

before(async () => {
  work = makeTempDir('hacktree-static-use');
  mkdirSync(join(work, 'roots'));
  writeFileSync(join(work, 'roots', '1.0.json'), JSON.stringify({ version: '1.0', arches: ['x86_64'], runtime: ['hello', 'big'] }));
  mkdirSync(join(work, 'data', 'big', 'usr', 'lib', 'big'), { recursive: true });
  writeFileSync(join(work, 'data', 'big', 'usr', 'lib', 'big', 'data.bin'), noiseBytes(200_000, 7));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'release', '-f', join(work, 'key')]);
  writeFileSync(join(work, 'allowed'), `release@example.org ${readFileSync(join(work, 'key.pub'), 'utf8')}`);
  publisher = join(work, 'publisher');
  hacktreeOk(publisher, ['init']);
  nginx = await startNginx({ dir: join(work, 'nginx') });
  url = `${nginx.url}repo`;
  publishNewVersion();
});

after(async () => {
  await nginx?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('root upgrade from a static remote: --check reads the signed index and changes nothing; --stage checks out unpublished; --apply publishes', () => {
  const target = newTarget('deployed');
  const prefix = join(work, 'prefix');
  mkdirSync(prefix);
  hacktreeOk(target, ['pull', 'cdn', NAME, '-q']);
  const hacktree = `hacktree() { ${process.execPath} ${hacktreeBin} "$@" --repo ${target} --prefix ${prefix}; }`;
  const deployed = inMountNamespace(`${hacktree}; hacktree root checkout ${NAME} -q`);
  assert.equal(deployed.status, 0, deployed.stderr);
  const newCommit = publishNewVersion();
  const refsBefore = git(target, 'for-each-ref');
  const check = JSON.parse(hacktreeOk(target, ['root', 'upgrade', NAME, '--check', '--json', '--prefix', prefix])) as { outcome: string; remoteCommit: string; remote: string };
  assert.deepEqual([check.outcome, check.remoteCommit, check.remote], ['available', newCommit, 'cdn']);
  assert.equal(git(target, 'for-each-ref'), refsBefore, '--check moved no ref');
  const run = inMountNamespace(`${hacktree}
    hacktree root mount --all -q
    hacktree root upgrade ${NAME} --stage -q
    echo "== staged"; cat ${prefix}/${BRANCH}/usr/bin/hello
    hacktree root upgrade ${NAME} --apply -q
    echo "== applied"; cat ${prefix}/${BRANCH}/usr/bin/hello
    echo "== again"; hacktree root upgrade ${NAME}
    hacktree fsck -q
  `);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /== staged\n#!\/bin\/sh\necho hello 1\n== applied\n#!\/bin\/sh\necho hello 2\n== again\n.*up to date/s);
  assert.equal(git(target, 'rev-parse', BRANCH), newCommit);
  const status = (JSON.parse(hacktreeOk(target, ['root', 'status', NAME, '--json', '--prefix', prefix])) as Array<{ current: { commit: string }; upgrade: { outcome: string; remote: string } }>)[0]!;
  assert.equal(status.current.commit, newCommit);
  assert.deepEqual([status.upgrade.outcome, status.upgrade.remote], ['up-to-date', 'cdn']);

  // An index signed by another key: --check and --stage refuse it and record the failure.
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'other', '-f', join(work, 'other')]);
  const sigDir = join(nginx.root, 'repo', 'signatures');
  const saved = new Map(readdirSync(sigDir).map((name) => [name, readFileSync(join(sigDir, name))]));
  try {
    for (const name of saved.keys()) {
      writeFileSync(join(sigDir, name), execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-n', 'hacktree-index', '-f', join(work, 'other')], { input: readFileSync(join(nginx.root, 'repo', 'index.json')) }));
    }
    assertCliError(runHacktree(['root', 'upgrade', NAME, '--check', '--prefix', prefix], { repo: target }), 'SIGNATURE_INVALID', ['cdn', 'index.json']);
    const staged = inMountNamespace(`${hacktree}; hacktree root upgrade ${NAME} --stage`);
    assertCliError(staged, 'SIGNATURE_INVALID', ['cdn']);
    assert.equal(git(target, 'rev-parse', BRANCH), newCommit, 'nothing moved');
  } finally {
    for (const [name, bytes] of saved) writeFileSync(join(sigDir, name), bytes);
  }

  // An index past its expiry (a frozen mirror): --check refuses it too, nothing moves.
  const indexFile = join(nginx.root, 'repo', 'index.json');
  const current = readFileSync(indexFile);
  try {
    // A newer serial (the same would be a rollback), signed by the publisher, long expired.
    const parsed = JSON.parse(current.toString('utf8')) as { serial: number; expires: string };
    const expired = Buffer.from(`${JSON.stringify({ ...parsed, serial: parsed.serial + 1, expires: '2026-01-01T00:00:00.000Z' }, null, 1)}\n`);
    writeFileSync(indexFile, expired);
    writeFileSync(join(sigDir, `${createHash('sha256').update(expired).digest('hex')}.sig`), execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-n', 'hacktree-index', '-f', join(work, 'key')], { input: expired }));
    assertCliError(runHacktree(['root', 'upgrade', NAME, '--check', '--prefix', prefix], { repo: target }), 'STATIC_INDEX_EXPIRED', ['cdn', '2026-01-01T00:00:00.000Z']);
    assert.equal(git(target, 'rev-parse', BRANCH), newCommit, 'nothing moved');
  } finally {
    writeFileSync(indexFile, current);
  }
  assertFsckClean(target);
});

test('fsck --repair --from a static remote fetches again the packs holding a corrupt tree, or a pack lost whole; an unreachable remote or a lacking pack is a clear error', () => {
  const target = newTarget('damaged');
  hacktreeOk(target, ['pull', 'cdn', NAME, '-q']);
  const top = git(target, 'rev-parse', `${BRANCH}^{tree}`);
  const rootPack = localPack(target, 'root');
  flipPackedObject(rootPack, top);
  const fsck = runHacktree(['fsck'], { repo: target });
  assert.equal(fsck.status, 11, fsck.stdout + fsck.stderr);
  assert.match(fsck.stdout, new RegExp(`^object-corrupt\\t.*\\tpacked object ${top} is corrupt`, 'm'));

  // The server is gone: a clear error, and the damaged pack is still where it was.
  git(target, 'config', 'remote.cdn.url', `${nginx.url}nowhere`);
  assertCliError(runHacktree(['fsck', '--repair', '--from', 'cdn'], { repo: target }), 'REMOTE_FAILED', ['cdn', 'index.json']);
  assert.ok(existsSync(`${rootPack}.pack`) && existsSync(`${rootPack}.idx`), 'the damaged pack stays until a good one is here');
  git(target, 'config', 'remote.cdn.url', url);

  const repair = runHacktree(['fsck', '--repair', '--from', 'cdn'], { repo: target });
  assert.equal(repair.status, 0, repair.stdout + repair.stderr);
  assert.match(repair.stdout, new RegExp(`packed object ${top} is corrupt.*\\[repaired: fetched again from remote "cdn"\\]`));
  assertFsckClean(target);
  assert.equal(readdirSync(join(target, 'objects', 'hacktree-incoming')).filter((n) => n !== 'damaged' && !n.endsWith('.lock')).length, 0, 'no download left behind');

  // A server that lacks the pack: a clear error, and the damaged pack stays.
  flipPackedObject(rootPack, top);
  const lacking = join(nginx.root, 'lacking');
  cpSync(join(nginx.root, 'repo'), lacking, { recursive: true });
  rmSync(join(lacking, 'packs', `${publishedPackId(target, 'root')}.pack.zst`));
  git(target, 'config', 'remote.cdn.url', `${nginx.url}lacking`);
  assertCliError(runHacktree(['fsck', '--repair', '--from', 'cdn'], { repo: target }), 'STATIC_PACK_MISSING', ['cdn', '404']);
  assert.ok(existsSync(`${rootPack}.pack`) && existsSync(`${rootPack}.idx`), 'the damaged pack was put back');
  git(target, 'config', 'remote.cdn.url', url);
  assert.equal(runHacktree(['fsck', '--repair', '--from', 'cdn'], { repo: target }).status, 0);
  assertFsckClean(target);

  // A component pack lost whole (its blobs are missing): fetched again too.
  const bigPack = localPack(target, 'component');
  for (const ext of ['.pack', '.idx', '.rev']) rmSync(`${bigPack}${ext}`, { force: true });
  assert.equal(runHacktree(['fsck'], { repo: target }).status, 11);
  const again = runHacktree(['fsck', '--repair', '--from', 'cdn'], { repo: target });
  assert.equal(again.status, 0, again.stdout + again.stderr);
  assert.ok(existsSync(`${bigPack}.idx`), 'the lost pack is back, under the same name');
  assertFsckClean(target);
});

test('8 machines pull the same update from one nginx at once: all succeed, all fsck clean', async () => {
  const machines = Array.from({ length: 8 }, (_, i) => newTarget(`machine-${i}`));
  const first = git(publisher, 'rev-parse', BRANCH);
  for (const r of await Promise.all(machines.map((m) => runAsync(['pull', 'cdn', NAME, '-q'], m)))) assert.equal(r.status, 0, r.stderr);
  const update = publishNewVersion();
  assert.notEqual(update, first);
  const results = await Promise.all(machines.map((m) => runAsync(['pull', 'cdn', NAME, '--json'], m)));
  for (const [i, r] of results.entries()) {
    assert.equal(r.status, 0, `machine ${i}: ${r.stdout}${r.stderr}`);
    const pulled = JSON.parse(r.stdout) as { pulled: Array<{ commit: string }>; static: { packsFetched: number; packsHere: number } };
    assert.equal(pulled.pulled[0]!.commit, update);
    assert.ok(pulled.static.packsHere >= 1, 'the unchanged component was not fetched again');
  }
  for (const m of machines) {
    assert.equal(git(m, 'rev-parse', BRANCH), update);
    assertFsckClean(m);
  }
});
