import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureW1 } from '../fixtures/w1.js';
import { assertCliError } from '../helpers/assertCliError.js';
import { makeTempDir, runHacktree } from '../helpers/cli.js';
import { packDir } from '../helpers/debRoot.js';
import { makeSmallTree } from '../helpers/smallTree.js';

// `hacktree bootstrap --from`: the base toolchain root on base/NAME (debootstrap itself is never
// run by the tests; W1 is what it made).
let work: string;
let repo: string;

function ok(args: string[]): string {
  const r = runHacktree(args, { repo });
  assert.equal(r.status, 0, `hacktree ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}
const git = (...args: string[]) => execFileSync('git', ['--git-dir', repo, ...args], { encoding: 'utf8' }).trim();

interface Bootstrapped {
  branch: string;
  commit: string;
  tree: string;
  entries: number;
  created: boolean;
}

before(() => {
  work = makeTempDir('hacktree-bootstrap');
  repo = join(work, 'repo');
  ok(['init']);
});
after(() => rmSync(work, { recursive: true, force: true }));

test('bootstrap --from the W1 directory lands on base/debian-bookworm-x86_64; the same content again commits nothing', () => {
  const { rootfs } = ensureW1();
  const first = JSON.parse(ok(['bootstrap', '--from', rootfs, '--json'])) as Bootstrapped;
  assert.equal(first.branch, 'base/debian-bookworm-x86_64');
  assert.equal(first.created, true);
  assert.ok(first.entries > 13000, `W1 has ~13.5k entries, got ${first.entries}`);
  assert.equal(git('rev-parse', 'refs/heads/base/debian-bookworm-x86_64'), first.commit);
  assert.match(ok(['root', 'ls', 'base/debian-bookworm-x86_64', 'usr/bin/gcc-12']), /gcc-12/);
  const again = JSON.parse(ok(['bootstrap', '--from', rootfs, '--json'])) as Bootstrapped;
  assert.equal(again.created, false);
  assert.equal(again.commit, first.commit);
  assert.equal(again.tree, first.tree);
  assert.equal(git('rev-list', '--count', 'base/debian-bookworm-x86_64'), '1');
  // root run shares the build sandbox's bwrap arguments: the base runs, read-only.
  const run = runHacktree(['root', 'run', 'base/debian-bookworm-x86_64', '--', 'sh', '-c', 'touch /usr/x 2>/dev/null || echo read-only; exit 3'], { env: { HACKTREE_REPO: repo } });
  assert.equal(run.status, 3, run.stderr);
  assert.equal(run.stdout, 'read-only\n');
});

test('bootstrap --from a tarball (gzipped or plain) with --name; a changed tree is a new commit on top', () => {
  const tree = join(work, 'small');
  makeSmallTree(tree);
  execFileSync('tar', ['-czf', join(work, 'small.tar.gz'), '--numeric-owner', '--xattrs', '-C', tree, '.']);
  const fromGz = JSON.parse(ok(['bootstrap', '--from', join(work, 'small.tar.gz'), '--name', 'small', '--json'])) as Bootstrapped;
  assert.equal(fromGz.branch, 'base/small');
  assert.equal(ok(['root', 'cat', 'base/small', 'etc/greeting']), 'hello\n');
  execFileSync('tar', ['-cf', join(work, 'small.tar'), '--numeric-owner', '--xattrs', '-C', tree, '.']);
  const fromTar = JSON.parse(ok(['bootstrap', '--from', join(work, 'small.tar'), '--name', 'small', '--json'])) as Bootstrapped;
  assert.equal(fromTar.created, false, 'the plain tarball holds the same tree');
  writeFileSync(join(tree, 'etc/greeting'), 'changed\n');
  const changed = JSON.parse(ok(['bootstrap', '--from', tree, '--name', 'small', '--json'])) as Bootstrapped;
  assert.equal(changed.created, true);
  assert.equal(git('rev-parse', `${changed.commit}^`), fromGz.commit);
});

test('bootstrap --from a missing path or a damaged tarball fails clearly and makes no branch', () => {
  assertCliError(runHacktree(['bootstrap', '--from', join(work, 'nowhere'), '--name', 'bad'], { repo }), 'SOURCE_NOT_FOUND', [join(work, 'nowhere')]);
  mkdirSync(join(work, 'damaged'));
  writeFileSync(join(work, 'damaged/base.tar.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
  assertCliError(runHacktree(['bootstrap', '--from', join(work, 'damaged/base.tar.gz'), '--name', 'bad'], { repo }), 'TAR_INVALID', ['base.tar.gz']);
  assert.throws(() => git('rev-parse', '--verify', '-q', 'refs/heads/base/bad'));
  assertCliError(runHacktree(['bootstrap', '--from', join(work, 'small.tar'), '--mirror', 'http://x/'], { repo }), 'USAGE', ['--mirror']);
});

test('bootstrap in a workspace: a base without a definition, a bad definition or --again with --name is refused before anything is made; bases that exist are left alone', () => {
  const ws = join(work, 'ws');
  mkdirSync(join(ws, 'roots/bases'), { recursive: true });
  writeFileSync(join(ws, 'roots/1.0.json'), JSON.stringify({ version: '1.0', arches: ['x86_64'], base: 'small', bases: { runtime: 'tiny' }, runtime: ['a'] }));
  const before = git('for-each-ref', '--format=%(refname)');
  const missing = runHacktree(['bootstrap', '-C', ws], { repo });
  assertCliError(missing, 'ROOT_DEFINITION_INVALID', ['names the base small', join(ws, 'roots/bases/small.json')]);
  writeFileSync(join(ws, 'roots/bases/small.json'), '{"suite":"bookworm"}');
  writeFileSync(join(ws, 'roots/bases/tiny.json'), '{"suite":"bookworm","variant":"fakechroot"}');
  assertCliError(runHacktree(['bootstrap', '-C', ws], { repo }), 'ROOT_DEFINITION_INVALID', ['tiny.json', 'variant']);
  assertCliError(runHacktree(['bootstrap', '--again', '--name', 'x'], { repo }), 'USAGE', ['--again']);
  assert.equal(git('for-each-ref', '--format=%(refname)'), before, 'no branch was made');
  // With both bases there (made here from a directory), a workspace bootstrap has nothing to make.
  writeFileSync(join(ws, 'roots/bases/tiny.json'), '{"suite":"bookworm","include":[]}');
  ok(['bootstrap', '--from', join(work, 'small'), '--name', 'small-x86_64']);
  ok(['bootstrap', '--from', join(work, 'small'), '--name', 'tiny-x86_64']);
  const result = JSON.parse(ok(['bootstrap', '-C', ws, '--json'])) as { bases: Array<{ branch: string; existing?: boolean }> };
  assert.deepEqual(result.bases, [{ branch: 'base/small-x86_64', existing: true }, { branch: 'base/tiny-x86_64', existing: true }]);
});

test('a root composed over a base whose / is 0700 (debootstrap\'s temporary target) has / 0755: every user may run it', () => {
  const top = join(work, 'private-top');
  makeSmallTree(top);
  chmodSync(top, 0o700);
  ok(['bootstrap', '--from', top, '--name', 'private-x86_64']);
  const ws = join(work, 'ws-private');
  mkdirSync(join(ws, 'roots'), { recursive: true });
  writeFileSync(join(ws, 'roots/1.0.json'), JSON.stringify({ version: '1.0', arches: ['x86_64'], base: 'private', runtime: ['note'] }));
  mkdirSync(join(ws, 'data/usr/share/note'), { recursive: true });
  writeFileSync(join(ws, 'data/usr/share/note/file'), 'note\n');
  packDir(join(ws, 'data'), { name: 'note', version: '1', out: join(ws, 'artifacts') });
  ok(['root', 'compose', '1.0-runtime-opt-x86_64', '--roots', join(ws, 'roots'), '--artifacts', join(ws, 'artifacts'), '-q']);
  const modeOf = (ref: string) => {
    const dest = join(work, `checkout-${ref.replace(/\W/g, '-')}`);
    ok(['checkout', ref, dest]);
    return (statSync(dest).mode & 0o7777).toString(8);
  };
  assert.equal(modeOf('base/private-x86_64'), '700', 'the base keeps what it was made from');
  assert.equal(modeOf('root-1.0-runtime-opt-x86_64'), '755');
  assert.equal(ok(['root', 'cat', 'root-1.0-runtime-opt-x86_64', 'etc/greeting']), 'hello\n');
});
