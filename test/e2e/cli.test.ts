import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeTempDir, runHacktree } from '../helpers/cli.js';
import { assertCliError } from '../helpers/assertCliError.js';

/**
 * A real addon, built here with node's headers as native/build.sh builds hacktree's, whose only
 * export is abiVersion: an addon of another interface version, which hacktree must refuse.
 */
function buildStaleAddon(dir: string, abiVersion: number): string {
  const source = join(dir, 'stale.c');
  writeFileSync(
    source,
    `#include <node_api.h>
static napi_value init(napi_env env, napi_value exports) {
  napi_value abi;
  napi_create_uint32(env, ${abiVersion}, &abi);
  napi_set_named_property(env, exports, "abiVersion", abi);
  return exports;
}
NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
`,
  );
  const addon = join(dir, `stale-${abiVersion}.node`);
  const include = resolve(process.execPath, '../../include/node');
  const cc = spawnSync('cc', ['-shared', '-fPIC', `-I${include}`, source, '-o', addon], { encoding: 'utf8' });
  assert.equal(cc.status, 0, cc.stderr);
  return addon;
}

test('--help lists the commands', () => {
  const result = runHacktree(['--help']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^\s*hacktree init\b/m);
  assert.match(result.stdout, /--repo/);
});

test('--version prints the package version, then whether the native addon is loaded and why not', (t) => {
  const result = runHacktree(['--version']);
  assert.equal(result.status, 0, result.stderr);
  const [version, native, ...rest] = result.stdout.trim().split('\n');
  assert.equal(version, '0.1.0');
  assert.match(native!, /^native addon: loaded \(\/.*\/dist\/native\/hacktree\.node\)$/);
  assert.deepEqual(rest, []);

  const off = runHacktree(['--version'], { env: { HACKTREE_NATIVE: '0' } });
  assert.equal(off.stdout, '0.1.0\nnative addon: not loaded: turned off by HACKTREE_NATIVE=0\n');

  const tmp = makeTempDir('hacktree-e2e-version');
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  // An addon of another interface version.
  const stale = buildStaleAddon(tmp, 1);
  const mismatch = runHacktree(['--version'], { env: { HACKTREE_NATIVE_PATH: stale } });
  assert.equal(mismatch.status, 0, mismatch.stderr);
  assert.match(mismatch.stdout, /^native addon: not loaded: .*stale-1\.node has ABI version 1, this hacktree wants \d+ \(rebuild it: npm run build\)$/m);
  // A file that is not a shared object: the loader's words.
  const junk = join(tmp, 'junk.node');
  writeFileSync(junk, 'not an ELF file\n');
  const broken = runHacktree(['--version'], { env: { HACKTREE_NATIVE_PATH: junk } });
  assert.equal(broken.status, 0, broken.stderr);
  assert.match(broken.stdout, /^native addon: not loaded: .*junk\.node.*(invalid ELF header|file too short)/m);
  const missing = runHacktree(['--version'], { env: { HACKTREE_NATIVE_PATH: join(tmp, 'missing.node') } });
  assert.match(missing.stdout, /^native addon: not loaded: no addon at .*missing\.node/m);
});

test('--verbose warns on stderr when the native addon does not load (not when HACKTREE_NATIVE=0 turns it off), and hacktree still works', (t) => {
  const tmp = makeTempDir('hacktree-e2e-native-warning');
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const stale = buildStaleAddon(tmp, 0);
  const warned = runHacktree(['init', '--verbose'], { repo: join(tmp, 'repo'), env: { HACKTREE_NATIVE_PATH: stale } });
  assert.equal(warned.status, 0, warned.stderr);
  assert.match(warned.stderr, /^hacktree: warning: native addon: not loaded: .*stale-0\.node has ABI version 0, this hacktree wants \d+/m);
  const quiet = runHacktree(['init'], { repo: join(tmp, 'repo2'), env: { HACKTREE_NATIVE_PATH: stale } });
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /native addon/, 'said only under --verbose');
  const off = runHacktree(['init', '--verbose'], { repo: join(tmp, 'repo3'), env: { HACKTREE_NATIVE: '0' } });
  assert.equal(off.status, 0, off.stderr);
  assert.doesNotMatch(off.stderr, /native addon/, 'turned off on purpose: no warning');
  const loaded = runHacktree(['init', '--verbose'], { repo: join(tmp, 'repo4') });
  assert.doesNotMatch(loaded.stderr, /native addon/);
});

test('an unknown command is a usage error with exit status 2', () => {
  const result = runHacktree(['frobnicate']);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /^hacktree: error\[USAGE\]: /m);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace without --verbose');
});

test('a failed option check is a usage error, not an internal one: -v with -q, root log -n 1.5', (t) => {
  const tmp = makeTempDir('hacktree-e2e-checks');
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const both = runHacktree(['init', '-v', '-q'], { repo: join(tmp, 'repo') });
  assertCliError(both, 'USAGE', ['--verbose and --quiet']);
  assert.equal(existsSync(join(tmp, 'repo')), false, 'nothing made');
  const fraction = runHacktree(['root', 'log', 'demo', '-n', '1.5'], { repo: join(tmp, 'repo') });
  assertCliError(fraction, 'USAGE', ['--max-count', '1.5']);
  assert.doesNotMatch(fraction.stderr, /INTERNAL/);
});

test('init creates a bare git repository that git fsck --strict accepts', (t) => {
  const tmp = makeTempDir('hacktree-e2e-cli');
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const repo = join(tmp, 'repo');

  const result = runHacktree(['init'], { repo });
  assert.equal(result.status, 0, result.stderr);
  assert.ok(existsSync(join(repo, 'HEAD')), 'HEAD exists');
  assert.ok(existsSync(join(repo, 'hacktree', 'raw')), 'the raw object cache exists');
  assert.match(readFileSync(join(repo, 'config'), 'utf8'), /bare = true/);

  const fsck = spawnSync('git', [`--git-dir=${repo}`, 'fsck', '--strict'], { encoding: 'utf8' });
  assert.equal(fsck.status, 0, fsck.stderr);
  // An empty repository draws notices (unborn HEAD, no refs); anything else is a finding.
  assert.equal(fsck.stderr.replace(/^(Checking|notice:) .*\n/gm, ''), '', 'git fsck reports nothing wrong');

  const again = runHacktree(['init'], { repo });
  assert.equal(again.status, 0, `init of an existing repository is a no-op: ${again.stderr}`);
});

test('HACKTREE_REPO names the repository when --repo is absent', (t) => {
  const tmp = makeTempDir('hacktree-e2e-cli');
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const repo = join(tmp, 'from-env');

  const result = runHacktree(['init'], { env: { HACKTREE_REPO: repo } });
  assert.equal(result.status, 0, result.stderr);
  assert.ok(existsSync(join(repo, 'hacktree', 'raw')));
});

test('init refuses a non-empty directory that is not a repository, and leaves it alone', (t) => {
  const tmp = makeTempDir('hacktree-e2e-cli');
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const dir = join(tmp, 'occupied');
  mkdirSync(dir);
  writeFileSync(join(dir, 'precious'), 'keep me\n');

  const result = runHacktree(['init'], { repo: dir });
  assert.equal(result.status, 3);
  assert.match(result.stderr, /^hacktree: error\[REPO_EXISTS\]: /m);
  assert.match(result.stderr, /hint: /);
  assert.equal(readFileSync(join(dir, 'precious'), 'utf8'), 'keep me\n');
  assert.ok(!existsSync(join(dir, 'HEAD')), 'nothing was written into the directory');
});

test('init --json prints the repository as JSON', (t) => {
  const tmp = makeTempDir('hacktree-e2e-cli');
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const repo = join(tmp, 'repo');

  const result = runHacktree(['init', '--json'], { repo });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { repo });
});

test('a command on a directory that is not a repository says so, and writes nothing', (t) => {
  const tmp = makeTempDir('hacktree-e2e-cli');
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const notRepo = join(tmp, 'notrepo');
  mkdirSync(notRepo);
  const dest = join(tmp, 'dest');

  const result = runHacktree(['checkout', 'x', dest], { repo: notRepo });
  assert.equal(result.status, 3);
  assert.match(result.stderr, /^hacktree: error\[NOT_A_REPO\]: /m);
  assert.match(result.stderr, /hint: .*hacktree init/);
  assert.ok(!existsSync(dest), 'no checkout directory was made');
  assert.deepEqual(readdirSync(notRepo), [], 'the directory was left empty');
});
