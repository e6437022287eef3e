import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { hacktreeBin, inMountNamespace, makeTempDir, runHacktree } from '../helpers/cli.js';
import { writeHandmadeTarball, type HandmadeMember } from '../helpers/handmadeTarball.js';
import { assertFsckClean } from '../helpers/repoState.js';
import { ARTIFACT_NAME } from '../helpers/seededRepo.js';

// Names and symlink targets are bytes: git stores bytes in trees, tar headers and the kernel
// hold bytes. One that is not UTF-8 must survive every way in and out exactly, and two that
// differ only there must stay two. Strings here write such a byte as U+DC80 + byte (Python's
// surrogateescape, which the tarball writer and JSON.parse of hacktree's --json both use).

let tmp: string;
let repo: string;
before(() => {
  tmp = makeTempDir('hacktree-e2e-bytes');
  repo = join(tmp, 'repo');
  ok(runHacktree(['init'], { repo }));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function ok(run: { status: number; stdout: string; stderr: string }): string {
  assert.equal(run.status, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /INTERNAL/);
  return run.stdout;
}

/** The bytes a surrogateescape string stands for. */
function bytesOf(text: string): Buffer {
  const parts: number[] = [];
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (ch.length === 1 && code >= 0xdc80 && code <= 0xdcff) parts.push(code - 0xdc00);
    else parts.push(...Buffer.from(ch));
  }
  return Buffer.from(parts);
}

/** `dir`/`name` as the bytes the kernel gets. */
function at(dir: string, name: string): Buffer {
  return Buffer.concat([Buffer.from(`${dir}/`), bytesOf(name)]);
}

/** A directory's names as their exact bytes, hex, sorted: what `ls` would print, without a locale's say. */
function namesIn(dir: string | Buffer): string[] {
  return readdirSync(dir, { encoding: 'buffer' }).map((name) => name.toString('hex')).sort();
}

const hex = (...names: string[]) => names.map((name) => bytesOf(name).toString('hex')).sort();
const LONG = `long\udcff${'n'.repeat(120)}`;

/** Makes `dir` with names that are not UTF-8 (and one that is), as a shell would: bash's $'...' bytes. */
function makeByteTree(dir: string): void {
  const script = `
    mkdir -p "$1" && cd "$1"
    printf 'ff\\n' > $'a\\xff'
    printf 'fe\\n' > $'a\\xfe'
    printf 'cafe\\n' > 'caf\u00e9'
    mkdir $'d\\xfc'
    printf 'x\\n' > $'d\\xfc/x'
    ln -s $'t\\xff' $'l\\xfd'
    ln $'a\\xff' $'h\\xfb'
  `;
  const run = spawnSync('bash', ['-euc', script, 'bash', dir], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
}

/** Checks a checkout of makeByteTree's tree (or the tarballs below), byte for byte. */
function assertByteTree(dest: string): void {
  assert.deepEqual(namesIn(dest), hex('a\udcff', 'a\udcfe', 'caf\u00e9', 'd\udcfc', 'l\udcfd', 'h\udcfb'));
  assert.equal(readFileSync(at(dest, 'a\udcff'), 'utf8'), 'ff\n');
  assert.equal(readFileSync(at(dest, 'a\udcfe'), 'utf8'), 'fe\n');
  assert.equal(readFileSync(at(dest, 'h\udcfb'), 'utf8'), 'ff\n');
  assert.equal(readFileSync(at(dest, 'd\udcfc/x'), 'utf8'), 'x\n');
  assert.deepEqual(readlinkSync(at(dest, 'l\udcfd'), { encoding: 'buffer' }), bytesOf('t\udcff'));
}

function treeOf(ref: string, path = 'files'): string {
  const run = spawnSync('git', [`--git-dir=${repo}`, 'rev-parse', `${ref}:${path}`], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim();
}

test('a tarball with members a\\xff and a\\xfe keeps both, and a symlink\'s target t\\xff, through import and checkout (pax and GNU headers)', async (t) => {
  for (const format of ['pax', 'gnu'] as const) {
    await t.test(`${format} headers`, () => {
      const dir = join(tmp, `tar-${format}`);
      const tarball = join(dir, ARTIFACT_NAME.replace('x-runtime', `bytes${format}-runtime`));
      const members: HandmadeMember[] = [
        { kind: 'dir', path: '.' },
        { kind: 'file', path: 'a\udcff', content: 'ff\n' },
        { kind: 'file', path: 'a\udcfe', content: 'fe\n' },
        { kind: 'file', path: 'caf\u00e9', content: 'cafe\n' },
        { kind: 'dir', path: 'd\udcfc' },
        { kind: 'file', path: 'd\udcfc/x', content: 'x\n' },
        { kind: 'symlink', path: 'l\udcfd', target: 't\udcff' },
        { kind: 'hardlink', path: 'h\udcfb', target: 'a\udcff' },
        // Over 100 bytes: a pax path record (raw bytes, hdrcharset=BINARY) or a GNU long name.
        { kind: 'file', path: `d\udcfc/${LONG}`, content: 'long\n' },
      ];
      mkdirSync(dir, { recursive: true });
      writeHandmadeTarball(tarball, members, { format });
      ok(runHacktree(['artifact', 'import', tarball], { repo }));
      ok(runHacktree(['root', 'commit', `tar-${format}`, '--tree', `artifact=${tarball}`], { repo }));
      const dest = join(dir, 'checkout');
      ok(runHacktree(['checkout', `tar-${format}`, dest], { repo }));
      assertByteTree(dest);
      assert.deepEqual(namesIn(at(dest, 'd\udcfc')), hex('x', LONG));
    });
  }
  assertFsckClean(repo);
});

test('a GNU tar archive of a directory with such names (raw bytes in its pax records) imports exactly', () => {
  const src = join(tmp, 'gnu-src');
  makeByteTree(src);
  const tarball = join(tmp, ARTIFACT_NAME.replace('x-runtime', 'gnutar-runtime'));
  const tar = spawnSync('tar', ['--format=posix', '--numeric-owner', '-czf', tarball, '-C', src, '.'], { encoding: 'utf8' });
  assert.equal(tar.status, 0, tar.stderr);
  ok(runHacktree(['root', 'commit', 'gnutar', '--tree', `tar=${tarball}`], { repo }));
  const dest = join(tmp, 'gnu-checkout');
  ok(runHacktree(['checkout', 'gnutar', dest], { repo }));
  assertByteTree(dest);
  assertFsckClean(repo);
});

test('a dir= commit keeps such names and targets, its files tree is the one git makes of the same directory, and checkout -> commit gives the same tree', () => {
  const src = join(tmp, 'dir-src');
  makeByteTree(src);
  ok(runHacktree(['root', 'commit', 'bytes', '--tree', `dir=${src}`], { repo }));
  // git's own tree of the same directory: same bytes, same order, same id.
  const gitDir = join(tmp, 'plain-git');
  assert.equal(spawnSync('git', ['init', '-q', '--bare', gitDir]).status, 0);
  const env = { ...process.env, GIT_DIR: gitDir, GIT_WORK_TREE: src, GIT_INDEX_FILE: join(tmp, 'plain-git-index') };
  const add = spawnSync('git', ['add', '-A', '.'], { env, cwd: src, encoding: 'utf8' });
  assert.equal(add.status, 0, add.stderr);
  const written = spawnSync('git', ['write-tree'], { env, encoding: 'utf8' });
  assert.equal(written.status, 0, written.stderr);
  assert.equal(treeOf('bytes'), written.stdout.trim(), 'hacktree\'s files tree is git\'s tree of the directory');

  const dest = join(tmp, 'dir-checkout');
  ok(runHacktree(['checkout', 'bytes', dest], { repo }));
  assertByteTree(dest);
  ok(runHacktree(['root', 'commit', 'bytes-again', '--tree', `dir=${dest}`], { repo }));
  assert.equal(treeOf('bytes-again', ''), treeOf('bytes', ''), 'the same snapshot (files tree and meta record)');
  const meta = spawnSync('git', [`--git-dir=${repo}`, 'cat-file', 'blob', 'bytes:meta'], { encoding: 'utf8' });
  assert.match(meta.stdout, /^a\\xff\tf\t/m, 'the meta record names a\\xff with an escape');
  assert.match(meta.stdout, /^l\\xfd\tl\t0777\t\d+\t\d+\tt\\xff\t/m, 'and the target t\\xff');
  assertFsckClean(repo);
});

test('root ls and diff show the bytes escaped; --json gives them as \\udcXX and exactly as base64', () => {
  const listing = ok(runHacktree(['root', 'ls', 'bytes'], { repo }));
  assert.match(listing, / "\/a\\xff"$/m);
  assert.match(listing, / "\/a\\xfe"$/m);
  assert.match(listing, / \/caf\u00e9$/m, 'a UTF-8 name shows as it is');
  assert.match(listing, / "\/l\\xfd" -> "t\\xff"$/m);
  const json = JSON.parse(ok(runHacktree(['root', 'ls', 'bytes', '--json'], { repo }))) as { entries: Array<Record<string, string>> };
  const link = json.entries.find((e) => e.path === 'l\udcfd');
  assert.ok(link, 'the path as a surrogateescape string');
  assert.equal(link.pathBytes, bytesOf('l\udcfd').toString('base64'));
  assert.equal(link.targetBytes, bytesOf('t\udcff').toString('base64'));
  assert.equal(json.entries.find((e) => e.path === 'caf\u00e9')!.pathBytes, undefined, 'no pathBytes for a UTF-8 path');
  // What ls shows can be given back: the quoted form names the bytes.
  assert.equal(ok(runHacktree(['root', 'cat', 'bytes', '"/a\\xfe"'], { repo })), 'fe\n');
  assert.equal(ok(runHacktree(['root', 'cat', 'bytes', '"/d\\xfc/x"'], { repo })), 'x\n');
  const notFile = runHacktree(['root', 'cat', 'bytes', '"/l\\xfd"'], { repo });
  assert.equal(notFile.status, 6);
  assert.match(notFile.stderr, /"\/l\\xfd" is a symlink to "t\\xff"/);

  const smaller = join(tmp, 'dir-smaller');
  makeByteTree(smaller);
  rmSync(at(smaller, 'a\udcfe'));
  ok(runHacktree(['root', 'commit', 'bytes-smaller', '--tree', `dir=${smaller}`], { repo }));
  const diff = ok(runHacktree(['root', 'diff', 'bytes', 'bytes-smaller'], { repo }));
  assert.match(diff, /^D "\/a\\xfe"$/m);
  assert.doesNotMatch(diff, /a\\xff/, 'a\\xff is unchanged');
});

test('artifact pack of such a tree writes the exact bytes, and importing the artifacts gives the same files tree', () => {
  const src = join(tmp, 'pack-src');
  makeByteTree(src);
  const out = join(tmp, 'pack-out');
  ok(runHacktree(['artifact', 'pack', src, '--name', 'bytes', '--version', '1', '--root', '1-opt-x86_64', '--flavor', 'opt', '--out', out], { repo }));
  const tarballs = readdirSync(out).map((name) => join(out, name));
  const listed = spawnSync('python3', ['-c', 'import sys, tarfile, json\nprint(json.dumps(sorted(m.name for f in sys.argv[1:] for m in tarfile.open(f))))', ...tarballs], { encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  const names = JSON.parse(listed.stdout) as string[];
  for (const name of ['a\udcff', 'a\udcfe', 'd\udcfc/x', 'l\udcfd', 'h\udcfb']) assert.ok(names.includes(name), `${JSON.stringify(name)} is in a tarball, as its bytes`);
  ok(runHacktree(['artifact', 'import', ...tarballs], { repo }));
  ok(runHacktree(['root', 'commit', 'packed', ...tarballs.flatMap((f) => ['--tree', `artifact=${f}`])], { repo }));
  ok(runHacktree(['root', 'commit', 'unpacked', '--tree', `dir=${src}`], { repo }));
  assert.equal(treeOf('packed'), treeOf('unpacked'), 'the same files tree as the directory itself');
  const dest = join(tmp, 'pack-checkout');
  ok(runHacktree(['checkout', 'packed', dest], { repo }));
  assertByteTree(dest);
  assertFsckClean(repo);
});

test('a deployment of such a tree is exact, fsck finds it clean, and names an extra file that is not UTF-8 apart from the rest', () => {
  const src = join(tmp, 'deploy-src');
  makeByteTree(src);
  ok(runHacktree(['root', 'commit', 'root-bytes', '--tree', `dir=${src}`], { repo }));
  const prefix = join(tmp, 'prefix');
  mkdirSync(prefix);
  const run = inMountNamespace(`
    export HACKTREE_FSYNC=0
    H() { node ${hacktreeBin} --repo ${repo} "$@"; }
    H root checkout bytes --prefix ${prefix} >/dev/null
    ls -1 ${prefix}/root-bytes | od -An -tx1 | tr -d ' \\n'; echo
    H fsck --prefix ${prefix} -q && echo fsck-clean
    deployed=$(ls -d ${prefix}/.real/root-bytes/*/)
    printf 'extra\\n' > "$deployed"$'z\\xf0'
    H fsck --prefix ${prefix} || echo "fsck=$?"
  `);
  assert.equal(run.status, 0, run.stderr);
  const [listing] = run.stdout.split('\n');
  // ls -1 sorts by bytes here (the C locale of the namespace): a\xfe a\xff caf\xc3\xa9 d\xfc h\xfb l\xfd.
  assert.equal(listing, ['a\udcfe', 'a\udcff', 'caf\u00e9', 'd\udcfc', 'h\udcfb', 'l\udcfd'].map((n) => `${bytesOf(n).toString('hex')}0a`).join(''));
  assert.match(run.stdout, /^fsck-clean$/m);
  assert.match(run.stdout, /^fsck=11$/m);
  const drift = run.stdout.split('\n').filter((line) => line.startsWith('checkout-drift'));
  assert.equal(drift.length, 1, run.stdout);
  assert.match(drift[0]!, /not in the commit/);
});
