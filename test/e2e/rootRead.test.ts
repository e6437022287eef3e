import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, runHacktree } from '../helpers/cli.js';
import { makeSmallTree, run } from '../helpers/smallTree.js';

type Fixture = ReturnType<typeof makeFixture>;
let fixture: Fixture | undefined;
after(() => {
  if (fixture) rmSync(fixture.tmp, { recursive: true, force: true });
});

/** One repository for every test here (they only read it), made on first use. */
function setUp(_t: unknown): Fixture {
  fixture ??= makeFixture();
  return fixture;
}

/** A repository with root-demo at two commits (the second: a chmod and an edit) and root-art from an artifact. */
function makeFixture() {
  const tmp = makeTempDir('hacktree-e2e-read');
  const repo = join(tmp, 'repo');
  const src = join(tmp, 'src');
  makeSmallTree(src);
  const ok = (args: string[]) => {
    const result = runHacktree(args, { repo });
    assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
    return result;
  };
  ok(['init']);
  ok(['root', 'commit', 'root-demo', '--tree', `dir=${src}`, '-m', 'first\n\nbody line']);
  chmodSync(join(src, 'usr/bin/tool'), 0o755);
  writeFileSync(join(src, 'etc/greeting'), 'hello again\n');
  ok(['root', 'commit', 'root-demo', '--tree', `dir=${src}`, '-m', 'second']);
  const staged = join(tmp, 'staged');
  mkdirSync(join(staged, 'usr/share/doc'), { recursive: true });
  writeFileSync(join(staged, 'usr/share/doc/README'), 'from an artifact\n');
  const artifact = join(tmp, 'doc-runtime,b=opt,o=master,r=1-opt-x86_64,v=1.0,.tar.gz');
  run('tar', '-czf', artifact, '--owner=0', '--group=0', '-C', staged, '.');
  ok(['root', 'commit', 'root-art', '--tree', `ref=root-demo`, '--tree', `artifact=${artifact}`, '-m', 'with docs']);
  return { tmp, repo, ok, hacktree: (args: string[]) => runHacktree(args, { repo }) };
}

test('root list and log show the root branches and their commits', (t) => {
  const { ok } = setUp(t);
  const list = ok(['root', 'list']).stdout;
  assert.match(list, /^root-art +[0-9a-f]{12} +\S+Z +with docs$/m);
  assert.match(list, /^root-demo +[0-9a-f]{12} +\S+Z +second$/m);
  const json = JSON.parse(ok(['root', 'list', '--json']).stdout) as Array<{ name: string; local: boolean }>;
  assert.deepEqual(json.map((r) => [r.name, r.local]), [['art', false], ['demo', false]]);

  const log = ok(['root', 'log', 'demo']).stdout;
  assert.match(log, /^commit [0-9a-f]{40}\nAuthor: .*\nDate: .*\n\n {4}second\n\ncommit [0-9a-f]{40}\n/);
  assert.match(log, /^ {4}first\n\n {4}body line$/m);
  const one = JSON.parse(ok(['root', 'log', 'demo', '-n', '1', '--json']).stdout) as { commits: Array<{ subject: string }> };
  assert.deepEqual(one.commits.map((c) => c.subject), ['second']);
});

test('root ls shows type, mode, owner, size and targets; a missing path is PATH_NOT_FOUND', (t) => {
  const { ok, hacktree } = setUp(t);
  const top = ok(['root', 'ls', 'demo']).stdout;
  assert.match(top, /^lrwxrwxrwx 0777 0 0 7 \/bin -> usr\/bin$/m);
  assert.match(top, /^drwxr-xr-x 0755 0 0 0 \/usr$/m);
  assert.doesNotMatch(top, /\/usr\/bin/, 'only direct children without -R');
  const recursive = ok(['root', 'ls', 'demo', '/', '-R']).stdout;
  assert.match(recursive, /^prw-r--r-- 0644 +0 +0 +0 \/var\/pipe$/m);
  assert.match(recursive, /^drwxr-xr-x 0755 +0 +0 +0 \/var\/empty$/m);
  assert.match(recursive, /^-rw-r--r-- 0644 +12 +34 +12 \/etc\/greeting$/m);

  const first = JSON.parse(ok(['root', 'log', 'demo', '--json']).stdout).commits[1].commit as string;
  const setuid = JSON.parse(ok(['root', 'ls', first, '/usr/bin/tool', '--json']).stdout) as { entries: Array<Record<string, unknown>> };
  assert.equal(setuid.entries.length, 1);
  assert.deepEqual([setuid.entries[0]!.modeString, setuid.entries[0]!.mode, setuid.entries[0]!.size], ['-rwsr-xr-x', '4755', 8]);
  const greeting = JSON.parse(ok(['root', 'ls', 'demo', 'etc/greeting', '--json']).stdout) as { entries: Array<Record<string, unknown>> };
  assert.deepEqual(greeting.entries[0]!.xattrs, ['user.note']);

  const missing = hacktree(['root', 'ls', 'demo', '/nope']);
  assert.equal(missing.status, 4);
  assert.match(missing.stderr, /^hacktree: error\[PATH_NOT_FOUND\]: \/nope does not exist in demo$/m);
});

test('root cat prints bytes as stored and refuses directories, symlinks and fifos', (t) => {
  const { ok, hacktree } = setUp(t);
  assert.equal(ok(['root', 'cat', 'demo', '/etc/greeting']).stdout, 'hello again\n');
  const binary = JSON.parse(ok(['root', 'cat', 'demo', 'usr/bin/tool', '--json']).stdout) as { content: string; size: number };
  assert.deepEqual(Buffer.from(binary.content, 'base64'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0xff]));
  for (const [path, what] of [['/usr', 'is a directory'], ['/bin', 'is a symlink to usr/bin'], ['/var/pipe', 'is a fifo']] as const) {
    const result = hacktree(['root', 'cat', 'demo', path]);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, new RegExp(`error\\[NOT_A_FILE\\]: ${path} ${what} in demo`));
    assert.equal(result.stdout, '');
  }
  const missing = hacktree(['root', 'cat', 'demo', '/etc/nope']);
  assert.match(missing.stderr, /error\[PATH_NOT_FOUND\]/);
});

test('root diff tells a chmod (metadata) from a content change, with counts', (t) => {
  const { ok } = setUp(t);
  const first = JSON.parse(ok(['root', 'log', 'demo', '--json']).stdout).commits[1].commit as string;
  const text = ok(['root', 'diff', first, 'demo']).stdout;
  assert.match(text, /^M \/etc\/greeting  content [0-9a-f]{12} -> [0-9a-f]{12}, size 6 -> 12$/m);
  assert.match(text, /^m \/usr\/bin\/tool  mode 4755 -> 0755$/m);
  assert.match(text, /^0 added, 0 removed, 1 modified, 1 metadata only$/m);
  const json = JSON.parse(ok(['root', 'diff', first, 'demo', '--json']).stdout) as {
    changes: Array<{ path: string; status: string; changes: Array<{ field: string; from: string; to: string }> }>;
  };
  assert.deepEqual(json.changes.map((c) => [c.path, c.status]), [['etc/greeting', 'modified'], ['usr/bin/tool', 'metadata']]);
  assert.deepEqual(json.changes[1]!.changes, [{ field: 'mode', from: '4755', to: '0755' }]);
  const added = JSON.parse(ok(['root', 'diff', 'demo', 'art', '--json']).stdout) as { summary: Record<string, number> };
  assert.deepEqual(added.summary, { added: 3, removed: 0, modified: 0, metadata: 0 });
});

test('root show and blame name the artifacts from the manifest', (t) => {
  const { ok, hacktree } = setUp(t);
  const show = ok(['root', 'show', 'art']).stdout;
  assert.match(show, /^commit [0-9a-f]{40}$/m);
  assert.match(show, /^ {4}with docs$/m);
  assert.match(show, /^Entries: 13 \(8 directories, 3 files, 1 symlink, 1 fifo\)$/m);
  assert.match(show, /^ +1 paths +doc-runtime,b=opt,o=master,r=1-opt-x86_64,v=1.0,.tar.gz$/m);
  const json = JSON.parse(ok(['root', 'show', 'demo', '--json']).stdout) as { totalSize: number; artifacts: unknown[]; parents: string[] };
  assert.equal(json.totalSize, 12 + 8);
  assert.deepEqual(json.artifacts, []);
  assert.equal(json.parents.length, 1);

  assert.match(ok(['root', 'blame', 'art', '/usr/share/doc/README']).stdout, /^\/usr\/share\/doc\/README\tdoc-runtime,.*\.tar\.gz$/m);
  assert.match(ok(['root', 'blame', 'art', '/etc/greeting']).stdout, /not from an artifact/);
  const dir = JSON.parse(ok(['root', 'blame', 'art', '/usr', '--json']).stdout) as { artifacts: Array<{ artifact: string; paths: number }>; fromOtherLayers: number };
  assert.deepEqual(dir.artifacts.map((a) => a.paths), [1]);
  assert.equal(dir.fromOtherLayers, 1);
  assert.match(hacktree(['root', 'blame', 'art', '/nope']).stderr, /error\[PATH_NOT_FOUND\]/);
});
