import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertCliError } from '../../helpers/assertCliError.js';
import { hacktreeBin, inMountNamespace, makeTempDir, runHacktree } from '../../helpers/cli.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../../helpers/repoState.js';
import { makeSmallTree, run } from '../../helpers/smallTree.js';

// The raw cache (hacktree/raw) holds every non-directory entry with its final owner, mode and
// xattrs, and checkouts hardlink from it: a raw entry changed behind hacktree's back (a chmod,
// a chown, another file in its place) would be linked into every checkout as it is. A checkout
// checks each link's lstat against its snapshot entry and rewrites a damaged raw entry from git
// first, with the native addon's threads and without them (HACKTREE_NATIVE=0).

let tmp: string;
let template: string;
before(() => {
  tmp = makeTempDir('hacktree-e2e-tampered-raw');
  template = join(tmp, 'template');
  const src = join(tmp, 'src');
  makeSmallTree(src);
  run('mknod', join(src, 'var/null'), 'c', '1', '3');
  chmodSync(join(src, 'var/null'), 0o666);
  assert.equal(runHacktree(['init'], { repo: template }).status, 0);
  const commit = runHacktree(['root', 'commit', 'root-demo', '--tree', `dir=${src}`], { repo: template });
  assert.equal(commit.status, 0, commit.stderr);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

let copies = 0;
function freshRepo(): string {
  const repo = join(tmp, `repo-${copies++}`);
  run('cp', '-a', template, repo);
  return repo;
}

/** The one raw cache entry whose key is `key` (type, mode, owner, then an xattr hash or not: see rawCache.ts). */
function rawEntry(repo: string, key: string): string {
  const found = readdirSync(join(repo, 'hacktree/raw'), { recursive: true, encoding: 'utf8' })
    .filter((name) => new RegExp(`\\.${key.replaceAll('.', '\\.')}(\\.[0-9a-f]{16})?$`).test(name))
    .map((name) => join(repo, 'hacktree/raw', name));
  assert.equal(found.length, 1, `raw entries *.${key}: ${found.join(', ')}`);
  return found[0]!;
}

const rawFile = (repo: string, which: 'greeting' | 'tool') => rawEntry(repo, which === 'tool' ? 'f4755.0.0' : 'f644.12.34');

/** `stat` of a checkout's entry: type, mode, owner, size, device numbers (hex). */
function describe(path: string): string {
  return run('stat', '-c', '%F %a %u:%g %s %t,%T', path).trim();
}

/** Ways a raw entry can be changed; `check` looks at the checkout's entry. */
const damages: Array<{ what: string; damage: (repo: string) => string; check: (dest: string) => void }> = [
  {
    what: 'a setuid file chmodded (its setuid bit lost)',
    damage: (repo) => {
      const raw = rawFile(repo, 'tool');
      chmodSync(raw, 0o755);
      return raw;
    },
    check: (dest) => assert.equal(describe(join(dest, 'usr/bin/tool')), 'regular file 4755 0:0 8 0,0'),
  },
  {
    what: 'a file chowned to root',
    damage: (repo) => {
      const raw = rawFile(repo, 'greeting');
      chownSync(raw, 0, 0);
      return raw;
    },
    check: (dest) => assert.equal(describe(join(dest, 'etc/greeting')), 'regular file 644 12:34 6 0,0'),
  },
  {
    what: 'a file replaced by a symlink to /etc/shadow',
    damage: (repo) => {
      const raw = rawFile(repo, 'greeting');
      rmSync(raw);
      symlinkSync('/etc/shadow', raw);
      return raw;
    },
    check: (dest) => {
      assert.equal(describe(join(dest, 'etc/greeting')), 'regular file 644 12:34 6 0,0');
      assert.equal(readFileSync(join(dest, 'etc/greeting'), 'utf8'), 'hello\n');
    },
  },
  {
    what: 'a file replaced by a directory',
    damage: (repo) => {
      const raw = rawFile(repo, 'tool');
      rmSync(raw);
      mkdirSync(raw);
      writeFileSync(join(raw, 'inside'), 'x');
      return raw;
    },
    check: (dest) => assert.equal(describe(join(dest, 'usr/bin/tool')), 'regular file 4755 0:0 8 0,0'),
  },
  {
    what: 'a symlink retargeted to /etc/shadow',
    damage: (repo) => {
      const raw = rawEntry(repo, 'l777.0.0');
      rmSync(raw);
      symlinkSync('/etc/shadow', raw);
      return raw;
    },
    check: (dest) => assert.equal(readlinkSync(join(dest, 'bin')), 'usr/bin'),
  },
  {
    what: 'a device node made again with other numbers',
    damage: (repo) => {
      const raw = rawEntry(repo, 'c666.0.0');
      rmSync(raw);
      run('mknod', '-m', '666', raw, 'c', '1', '5');
      return raw;
    },
    check: (dest) => assert.equal(describe(join(dest, 'var/null')), 'character special file 666 0:0 0 1,3'),
  },
  {
    what: 'a fifo replaced by a regular file',
    damage: (repo) => {
      const raw = rawEntry(repo, 'p644.0.0');
      rmSync(raw);
      writeFileSync(raw, '');
      chmodSync(raw, 0o644);
      return raw;
    },
    check: (dest) => assert.equal(describe(join(dest, 'var/pipe')), 'fifo 644 0:0 0 0,0'),
  },
];

const modes: Array<{ name: string; env: Record<string, string> }> = [
  { name: 'native', env: {} },
  { name: 'without the addon', env: { HACKTREE_NATIVE: '0' } },
];

for (const { what, damage, check } of damages) {
  for (const mode of modes) {
    test(`checkout (${mode.name}) of a raw entry with ${what}: the checkout has the committed entry, the raw entry is rewritten and named`, () => {
      const repo = freshRepo();
      const raw = damage(repo);
      const dest = join(tmp, `dest-${copies}`);
      const checkout = runHacktree(['checkout', 'root-demo', dest], { repo, env: mode.env });
      assert.equal(checkout.status, 0, checkout.stderr);
      assert.match(checkout.stderr, new RegExp(`^hacktree: warning: raw cache entry ${raw} was damaged \\(.+\\); rewritten from git before the checkout used it$`, 'm'));
      check(dest);
      // Hardlinked from the rewritten raw entry: the raw cache is sound again.
      assert.ok(lstatSync(join(dest, 'usr/bin/tool')).nlink >= 2, 'still hardlinked');
      assertFsckClean(repo);
      const again = runHacktree(['checkout', 'root-demo', `${dest}-again`], { repo, env: mode.env });
      assert.equal(again.status, 0, again.stderr);
      assert.equal(again.stderr, '', 'nothing left to repair');
      check(`${dest}-again`);
    });
  }
}

test('checkout --copy of a raw file replaced by a symlink to /etc/shadow copies the committed content, not what the symlink points to', () => {
  const repo = freshRepo();
  const raw = rawFile(repo, 'greeting');
  rmSync(raw);
  symlinkSync('/etc/shadow', raw);
  const dest = join(tmp, 'copy-dest');
  const checkout = runHacktree(['checkout', 'root-demo', dest, '--copy', '--json'], { repo });
  assert.equal(checkout.status, 0, checkout.stderr);
  const result = JSON.parse(checkout.stdout) as { copied: number; repairedRaw: Array<{ path: string; detail: string }> };
  assert.deepEqual(result.repairedRaw, [{ path: raw, detail: 'it is a symlink, the snapshot has a file' }]);
  assert.equal(readFileSync(join(dest, 'etc/greeting'), 'utf8'), 'hello\n');
  assert.equal(describe(join(dest, 'etc/greeting')), 'regular file 644 12:34 6 0,0');
  assert.equal(lstatSync(join(dest, 'etc/greeting')).nlink, 1, 'a copy');
  assertFsckClean(repo);
});

test('root checkout of a raw entry whose setuid bit was lost deploys the committed mode', () => {
  const repo = freshRepo();
  const raw = rawFile(repo, 'tool');
  chmodSync(raw, 0o755);
  const prefix = makeTempDir('hacktree-e2e-tampered-prefix');
  try {
    const result = inMountNamespace(`
      node ${hacktreeBin} --repo ${repo} root checkout demo --prefix ${prefix}
      stat -c '%a %u:%g' ${prefix}/root-demo/usr/bin/tool`);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`^hacktree: warning: raw cache entry ${raw} was damaged \\(mode 0755, the snapshot has 4755\\)`, 'm'));
    assert.match(result.stdout, /^4755 0:0$/m);
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
  assert.equal(run('stat', '-c', '%a', raw).trim(), '4755');
});

/** A commit of root-demo whose meta record has `edit` applied (git plumbing), as branch `branch`. */
function forgeMeta(repo: string, branch: string, edit: (meta: string) => string): void {
  const git = (input: string | undefined, ...args: string[]) => {
    const r = spawnSync('git', [`--git-dir=${repo}`, ...args], { encoding: 'utf8', input });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  const meta = git(undefined, 'cat-file', 'blob', 'root-demo:meta');
  const forged = edit(`${meta}\n`);
  assert.notEqual(forged, `${meta}\n`);
  const blob = git(forged, 'hash-object', '-w', '--stdin');
  const top = git(undefined, 'ls-tree', 'root-demo').replace(/[0-9a-f]{40}\tmeta$/m, `${blob}\tmeta`);
  const tree = git(`${top}\n`, 'mktree');
  const commit = git('forged\n', 'commit-tree', tree, '-p', 'root-demo');
  git(undefined, 'update-ref', `refs/heads/${branch}`, commit);
}

for (const [what, edit, path] of [
  ['a file size', (meta: string) => meta.replace(/^(etc\/greeting\tf\t0644\t12\t34\t)6\t/m, '$19\t'), '/etc/greeting'],
  ['a symlink target', (meta: string) => meta.replace(/^(bin\tl\t0777\t0\t0\t)usr\/bin\t/m, '$1/etc/shadow\t'), '/bin'],
] as const) {
  test(`checkout of a commit whose meta record forges ${what} is refused as META_INVALID; the raw cache is left alone`, () => {
    const repo = freshRepo();
    forgeMeta(repo, 'forged', edit);
    const state = snapshotRepoState(repo);
    for (const { env } of modes) {
      const dest = join(tmp, `forged-${copies}`);
      assertCliError(runHacktree(['checkout', 'forged', dest], { repo, env }), 'META_INVALID', [path]);
      assert.equal(existsSync(dest), false, 'no destination');
    }
    assertRepoUnchanged(state, snapshotRepoState(repo));
    const good = runHacktree(['checkout', 'root-demo', join(tmp, `unforged-${copies}`)], { repo });
    assert.equal(good.status, 0, good.stderr);
    assert.equal(good.stderr, '', 'the raw entries of the sound commit were not touched');
  });
}
