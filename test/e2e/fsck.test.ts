import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, runHacktree } from '../helpers/cli.js';
import { makeSmallTree, run } from '../helpers/smallTree.js';
import { NATIVE_ABI } from '../../src/platform/native/nativeAddon.js';

const tmp = makeTempDir('hacktree-e2e-fsck');
after(() => rmSync(tmp, { recursive: true, force: true }));
let template: string | undefined;

/** A fresh copy of a repository holding the small tree as root-demo (made once, copied per test). */
function freshRepo(name: string): string {
  if (!template) {
    template = join(tmp, 'template');
    const src = join(tmp, 'src');
    makeSmallTree(src);
    assert.equal(runHacktree(['init'], { repo: template }).status, 0);
    const commit = runHacktree(['root', 'commit', 'root-demo', '--tree', `dir=${src}`], { repo: template });
    assert.equal(commit.status, 0, commit.stderr);
  }
  const repo = join(tmp, name);
  run('cp', '-a', template, repo);
  return repo;
}

const looseFile = (repo: string, oid: string) => join(repo, 'objects', oid.slice(0, 2), oid.slice(2));
const oidOf = (repo: string, rev: string) => run('git', `--git-dir=${repo}`, 'rev-parse', rev).trim();

function rawFileOf(repo: string, oid: string): string {
  const dir = join(repo, 'hacktree/raw', oid.slice(0, 2));
  const name = readdirSync(dir).find((n) => n.startsWith(`${oid.slice(2)}.`));
  assert.ok(name, `a raw object for ${oid}`);
  return join(dir, name);
}

function flipBytes(path: string): void {
  const bytes = readFileSync(path);
  for (let i = 4; i < Math.min(bytes.length - 2, 12); i++) bytes[i] = bytes[i]! ^ 0xff;
  chmodSync(path, 0o644);
  writeFileSync(path, bytes);
}

function assertFails(repo: string, ...paths: string[]): void {
  const result = runHacktree(['fsck'], { repo });
  assert.equal(result.status, 11, result.stderr);
  assert.match(result.stderr, /^hacktree: error\[FSCK_FAILED\]: /m);
  for (const path of paths) assert.ok(result.stdout.includes(path), `fsck names ${path}:\n${result.stdout}`);
}

function assertClean(repo: string): void {
  const result = runHacktree(['fsck'], { repo });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  assert.match(result.stdout, /: 0 problems, 0 repaired, 0 remaining$/m);
}

test('a clean repository passes hacktree fsck and native git fsck --strict', () => {
  const repo = freshRepo('clean');
  assertClean(repo);
  const json = JSON.parse(runHacktree(['fsck', '--json'], { repo }).stdout) as { problems: unknown[]; checked: { refs: number } };
  assert.deepEqual(json.problems, []);
  assert.equal(json.checked.refs, 1);
  const git = spawnSync('git', [`--git-dir=${repo}`, 'fsck', '--strict'], { encoding: 'utf8' });
  assert.equal(git.status, 0, git.stderr);
  assert.equal(git.stderr.replace(/^(Checking|notice:) .*\n/gm, ''), '', 'git fsck reports nothing wrong');
});

test('a corrupted blob is named; --repair rewrites it from its intact raw copy', () => {
  const repo = freshRepo('blob');
  const blob = oidOf(repo, 'root-demo:files/etc/greeting');
  flipBytes(looseFile(repo, blob));
  assertFails(repo, looseFile(repo, blob));
  const json = JSON.parse(runHacktree(['fsck', '--json'], { repo }).stdout) as { error: { data: { problems: Array<Record<string, string>> } } };
  assert.deepEqual(json.error.data.problems.map((p) => [p.kind, p.path, p.oid]), [['object-corrupt', looseFile(repo, blob), blob]]);
  assert.match(json.error.data.problems[0]!.detail!, /corrupt/);
  const repair = runHacktree(['fsck', '--repair'], { repo });
  assert.equal(repair.status, 0, repair.stdout + repair.stderr);
  assert.match(repair.stdout, /repaired: rewritten from the intact raw cache file/);
  assertClean(repo);
});

test('a corrupted tree is named and cannot be repaired; checkout refuses a corrupted top tree leaving no destination', () => {
  const repo = freshRepo('tree');
  const tree = oidOf(repo, 'root-demo:files/usr');
  flipBytes(looseFile(repo, tree));
  assertFails(repo, looseFile(repo, tree));
  assert.equal(runHacktree(['fsck', '--repair'], { repo }).status, 11, 'git objects are not rebuilt from nothing');
  // A checkout reads the commit, its top tree and the snapshot's entry cache (files/ and the
  // meta record only when that cache is missing), and links from the raw cache: the top tree
  // is what it reads every time.
  const top = oidOf(repo, 'root-demo^{tree}');
  flipBytes(looseFile(repo, top));
  assertFails(repo, looseFile(repo, top));
  const dest = join(tmp, 'tree-checkout');
  const checkout = runHacktree(['checkout', 'root-demo', dest], { repo });
  assert.equal(checkout.status, 5);
  assert.match(checkout.stderr, /^hacktree: error\[OBJECT_CORRUPT\]: /m);
  assert.equal(existsSync(dest), false, 'no destination directory');
  assert.deepEqual(readdirSync(tmp).filter((n) => n.includes('tree-checkout')), [], 'no staging directory either');
});

for (const [name, damage, kind] of [
  ['bytes appended to', (path: string) => appendFileSync(path, 'junk'), 'raw-corrupt'],
  ['a changed mode on', (path: string) => chmodSync(path, 0o755), 'raw-metadata'],
  ['the deletion of', (path: string) => rmSync(path), 'raw-missing'],
] as const) {
  test(`${name} a raw cache file is named; --repair rebuilds it from git and fsck passes again`, () => {
    const repo = freshRepo(kind);
    const blob = oidOf(repo, 'root-demo:files/usr/bin/tool');
    const raw = rawFileOf(repo, blob);
    damage(raw);
    assertFails(repo, raw);
    assert.match(runHacktree(['fsck'], { repo }).stdout, new RegExp(`^${kind}\\t`, 'm'));
    const repair = runHacktree(['fsck', '--repair'], { repo });
    assert.equal(repair.status, 0, repair.stdout + repair.stderr);
    assertClean(repo);
    assert.equal(readFileSync(raw).length, 8);
    assert.equal(run('stat', '-c', '%a %u %g', raw).trim(), '4755 0 0');
  });
}

for (const [name, damage] of [
  // Valid trailer, other entries: only fsck can tell (reads trust a sound file).
  ['a lying', (path: string, json: string) => {
    const changed = Buffer.from(json.replace('"path":"etc/greeting","mode":420', '"path":"etc/greeting","mode":438'));
    assert.notEqual(changed.toString(), json);
    writeFileSync(path, Buffer.concat([changed, createHash('sha256').update(changed).digest()]));
  }],
  // A torn or flipped file: its trailer no longer matches, and reads ignore it.
  ['a damaged', (path: string) => appendFileSync(path, 'junk')],
  // Valid trailer, right entries, a link record naming another raw entry (mode 666): fsck
  // tells, and a checkout finds no such raw entry and makes the file from git as its entry says.
  ['a misleading', (path: string, body: string) => {
    const changed = Buffer.from(body.replace(/(Letc\/greeting\0[0-9a-f]{2}\/[0-9a-f]{38}\.f)644\./, '$1666.'));
    assert.notEqual(changed.toString(), body);
    writeFileSync(path, Buffer.concat([changed, createHash('sha256').update(changed).digest()]));
  }],
] as const) {
  test(`${name} snapshot entry cache is named by fsck; --repair removes it and the next read makes it again`, () => {
    const repo = freshRepo(`entry-cache-${name.split(' ')[1]}`);
    const tree = oidOf(repo, 'root-demo^{tree}');
    const cache = join(repo, 'hacktree/statcache/entries', tree.slice(0, 2), tree.slice(2));
    // The first read of the snapshot (here a checkout) writes the cache.
    assert.equal(runHacktree(['checkout', 'root-demo', join(tmp, `${name}-first`)], { repo }).status, 0);
    const sound = readFileSync(cache);
    assertClean(repo);
    damage(cache, sound.subarray(0, sound.length - 32).toString('utf8'));
    assertFails(repo, cache);
    assert.match(runHacktree(['fsck'], { repo }).stdout, /^entry-cache-invalid\t/m);
    const repair = runHacktree(['fsck', '--repair'], { repo });
    assert.equal(repair.status, 0, repair.stdout + repair.stderr);
    assert.equal(existsSync(cache), false);
    assertClean(repo);
    const dest = join(tmp, `${name}-again`);
    assert.equal(runHacktree(['checkout', 'root-demo', dest], { repo }).status, 0);
    assert.deepEqual(readFileSync(cache), sound, 'made again, as it was');
    assert.equal(run('stat', '-c', '%a', join(dest, 'etc/greeting')).trim(), '644');
  });
}

test('a checkout ignores an entry cache whose trailer does not match, and writes it again', () => {
  const repo = freshRepo('entry-cache-torn');
  const tree = oidOf(repo, 'root-demo^{tree}');
  const cache = join(repo, 'hacktree/statcache/entries', tree.slice(0, 2), tree.slice(2));
  assert.equal(runHacktree(['checkout', 'root-demo', join(tmp, 'torn-first')], { repo }).status, 0);
  const sound = readFileSync(cache);
  // The JSON changed (a mode), the trailer not: the file is not believed.
  const torn = Buffer.from(sound.toString('latin1').replace('"mode":420', '"mode":438'), 'latin1');
  assert.notDeepEqual(torn, sound);
  writeFileSync(cache, torn);
  const dest = join(tmp, 'torn-checkout');
  assert.equal(runHacktree(['checkout', 'root-demo', dest], { repo }).status, 0);
  assert.equal(run('stat', '-c', '%a', join(dest, 'etc/greeting')).trim(), '644');
  assert.deepEqual(readFileSync(cache), sound);
});

test('an entry cache without link records (as a commit writes it) is sound to fsck; the first checkout adds them, fsck checks them', () => {
  const repo = freshRepo('entry-cache-layouts');
  const tree = oidOf(repo, 'root-demo^{tree}');
  const cache = join(repo, 'hacktree/statcache/entries', tree.slice(0, 2), tree.slice(2));
  const committed = readFileSync(cache);
  const json = committed.subarray(0, committed.length - 32);
  assert.equal(json.indexOf(0), -1, 'the commit wrote the entries alone');
  assert.ok((JSON.parse(json.toString('utf8')) as Array<{ path: string }>).some((e) => e.path === 'etc/greeting'));
  assertClean(repo);
  const dest = join(tmp, 'layouts-checkout');
  assert.equal(runHacktree(['checkout', 'root-demo', dest], { repo }).status, 0);
  assert.equal(run('stat', '-c', '%a', join(dest, 'etc/greeting')).trim(), '644');
  const withRecords = readFileSync(cache);
  assert.deepEqual(withRecords.subarray(0, json.length), json, 'the same entries');
  assert.equal(withRecords[json.length], 0);
  const records = withRecords.subarray(json.length + 1, withRecords.length - 32).toString('utf8');
  // The addon's interface version, then linkTree's records (native/linkTree.c): a directory, and
  // a file with its raw name (mode, owner, xattrs' hash) and size.
  assert.ok(records.startsWith(`${NATIVE_ABI}\0`), records);
  assert.ok(records.includes('\0Detc\0'), records);
  assert.match(records, /\0Letc\/greeting\0[0-9a-f]{2}\/[0-9a-f]{38}\.f644\.12\.34\.[0-9a-f]{16}\x006\x00/);
  assertClean(repo);
  // Read again, it stays as it is.
  assert.equal(runHacktree(['checkout', 'root-demo', join(tmp, 'layouts-again')], { repo }).status, 0);
  assert.deepEqual(readFileSync(cache), withRecords);

  // Records made for another addon interface: never read, so sound to fsck; the next checkout makes them again.
  const other = Buffer.concat([json, Buffer.from(`\0${NATIVE_ABI + 1}\0D/nowhere\0`)]);
  writeFileSync(cache, Buffer.concat([other, createHash('sha256').update(other).digest()]));
  assertClean(repo);
  const afterOther = join(tmp, 'layouts-other');
  assert.equal(runHacktree(['checkout', 'root-demo', afterOther], { repo }).status, 0);
  assert.equal(run('stat', '-c', '%a', join(afterOther, 'etc/greeting')).trim(), '644');
  assert.deepEqual(readFileSync(cache), withRecords, 'written again with the current records');
});

test('leftover temporary files of dead processes are removed and listed', () => {
  const repo = freshRepo('tmpfiles');
  const stale = join(repo, 'hacktree/tmp/999999999-1-0');
  writeFileSync(stale, 'half-written');
  const result = runHacktree(['fsck'], { repo });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`^removed leftover temporary file ${stale}$`, 'm'));
  assert.equal(existsSync(stale), false);
});

test('fsck of a repository after a native git gc checks its pack', () => {
  const repo = freshRepo('packed');
  run('git', `--git-dir=${repo}`, 'gc', '--quiet');
  const result = runHacktree(['fsck'], { repo });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /checked 0 loose objects, 1 packs/);
});

/** A commit of root-demo with its meta record or top tree edited by git plumbing, as branch `branch`. */
function forgeCommit(repo: string, branch: string, edit: { meta?: (meta: string) => string; files?: (top: string) => string }): string {
  const git = (input: string | undefined, ...args: string[]) => {
    const r = spawnSync('git', [`--git-dir=${repo}`, ...args], { encoding: 'utf8', input });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  let top = git(undefined, 'ls-tree', 'root-demo');
  if (edit.meta) {
    const meta = `${git(undefined, 'cat-file', 'blob', 'root-demo:meta')}\n`;
    assert.notEqual(edit.meta(meta), meta, 'the edit changes the meta record');
    top = top.replace(/[0-9a-f]{40}\tmeta$/m, `${git(edit.meta(meta), 'hash-object', '-w', '--stdin')}\tmeta`);
  }
  if (edit.files) {
    const files = git(undefined, 'ls-tree', 'root-demo:files/usr/bin');
    assert.notEqual(edit.files(files), files, 'the edit changes files/usr/bin');
    const bin = git(`${edit.files(files)}\n`, 'mktree');
    const usr = git(`${git(undefined, 'ls-tree', 'root-demo:files/usr').replace(/[0-9a-f]{40}\tbin$/m, `${bin}\tbin`)}\n`, 'mktree');
    const filesTree = git(`${git(undefined, 'ls-tree', 'root-demo:files').replace(/[0-9a-f]{40}\tusr$/m, `${usr}\tusr`)}\n`, 'mktree');
    top = top.replace(/[0-9a-f]{40}\tfiles$/m, `${filesTree}\tfiles`);
  }
  const commit = git('forged\n', 'commit-tree', git(`${top}\n`, 'mktree'), '-p', 'root-demo');
  git(undefined, 'update-ref', `refs/heads/${branch}`, commit);
  return commit;
}

for (const [what, edit, named] of [
  ['a file size the blob does not have', { meta: (m: string) => m.replace(/^(etc\/greeting\tf\t0644\t12\t34\t)6\t/m, '$19\t') }, /the meta line of \/etc\/greeting disagrees with its blob [0-9a-f]{40}: the meta record says 9 bytes, the blob has 6/],
  ['a symlink target the blob does not hold', { meta: (m: string) => m.replace(/^(bin\tl\t0777\t0\t0\t)usr\/bin\t/m, '$1/etc/shadow\t') }, /the meta line of \/bin disagrees with its blob [0-9a-f]{40}: the meta record's target \/etc\/shadow is not the blob's content/],
  ['a setuid file that files/ holds as not executable', { files: (t: string) => t.replace(/^100755 (blob [0-9a-f]{40}\ttool)$/m, '100644 $1') }, /files\/ holds usr\/bin\/tool with mode 100644, its meta line \(a file, mode 4755\) gives 100755/],
] as const) {
  test(`a commit whose meta record and files/ disagree (${what}) is named by fsck, which --repair cannot mend`, () => {
    const repo = freshRepo(`forged-${what.split(' ')[1]}`);
    const commit = forgeCommit(repo, 'forged', edit);
    const fsck = runHacktree(['fsck'], { repo });
    assert.equal(fsck.status, 11, fsck.stderr);
    const lines = fsck.stdout.split('\n').filter((line) => line.startsWith('snapshot-invalid\t'));
    assert.equal(lines.length, 1, fsck.stdout);
    assert.ok(lines[0]!.includes(`commit ${commit} (refs/heads/forged)`), lines[0]);
    assert.match(lines[0]!, named);
    assert.equal(runHacktree(['fsck', '--repair'], { repo }).status, 11, 'a forged commit is not rewritten');
    // The sound branch is untouched by all this.
    run('git', `--git-dir=${repo}`, 'update-ref', '-d', 'refs/heads/forged');
    assertClean(repo);
  });
}

/** Offset and length in its pack of a packed object (git verify-pack -v). */
function packedEntry(repo: string, oid: string): { pack: string; offset: number; length: number } {
  const packDir = join(repo, 'objects/pack');
  const index = readdirSync(packDir).find((n) => n.endsWith('.idx'))!;
  const line = run('git', 'verify-pack', '-v', join(packDir, index)).split('\n').find((l) => l.startsWith(`${oid} `));
  assert.ok(line, `${oid} is packed`);
  const [, , , length, offset] = line.split(/\s+/);
  return { pack: join(packDir, index.replace(/\.idx$/, '.pack')), offset: Number(offset), length: Number(length) };
}

/** Flips the last byte of a packed object's deflated data (its zlib checksum): it no longer inflates. */
function flipPackedObject(repo: string, oid: string): string {
  const { pack, offset, length } = packedEntry(repo, oid);
  const bytes = readFileSync(pack);
  bytes[offset + length - 1] = bytes[offset + length - 1]! ^ 0xff;
  chmodSync(pack, 0o644);
  writeFileSync(pack, bytes);
  return pack;
}

test('a corrupt blob inside a pack is named by fsck (not an aborted git cat-file); --repair restores it from its raw copy and rewrites the pack', () => {
  const repo = freshRepo('packed-blob');
  run('git', `--git-dir=${repo}`, 'gc', '--quiet');
  const blob = oidOf(repo, 'root-demo:files/usr/bin/tool');
  const pack = flipPackedObject(repo, blob);
  const fsck = runHacktree(['fsck'], { repo });
  assert.equal(fsck.status, 11, fsck.stderr);
  assert.match(fsck.stderr, /^hacktree: error\[FSCK_FAILED\]: 1 problem /m);
  assert.match(fsck.stdout, new RegExp(`^object-corrupt\\t${pack}\\tpacked object ${blob} is corrupt: `, 'm'));
  assert.notEqual(spawnSync('git', [`--git-dir=${repo}`, 'fsck'], { encoding: 'utf8' }).status, 0, 'native git fsck agrees');
  const repair = runHacktree(['fsck', '--repair'], { repo });
  assert.equal(repair.status, 0, repair.stdout + repair.stderr);
  assert.match(repair.stdout, /repaired: rewritten from the intact raw cache file .*, and the pack rewritten as /);
  assert.equal(existsSync(pack), false, 'the damaged pack is gone');
  assertClean(repo);
  const git = spawnSync('git', [`--git-dir=${repo}`, 'fsck', '--strict'], { encoding: 'utf8' });
  assert.equal(git.status, 0, git.stderr);
  assert.equal(run('git', `--git-dir=${repo}`, 'cat-file', 'blob', blob).length, 8);
});

test('a corrupt tree inside a pack is named by fsck and refused by checkout as OBJECT_CORRUPT; --repair leaves it, as nothing holds a copy', () => {
  const repo = freshRepo('packed-tree');
  run('git', `--git-dir=${repo}`, 'gc', '--quiet');
  const top = oidOf(repo, 'root-demo^{tree}');
  const pack = flipPackedObject(repo, top);
  const fsck = runHacktree(['fsck'], { repo });
  assert.equal(fsck.status, 11, fsck.stderr);
  assert.match(fsck.stdout, new RegExp(`^object-corrupt\\t${pack}\\tpacked object ${top} is corrupt: `, 'm'));
  assert.doesNotMatch(fsck.stderr, /EXTERNAL_COMMAND_FAILED/);
  const repair = runHacktree(['fsck', '--repair'], { repo });
  assert.equal(repair.status, 11, repair.stdout + repair.stderr);
  assert.ok(existsSync(pack), 'the pack stays as it was');
  const dest = join(tmp, 'packed-tree-checkout');
  const checkout = runHacktree(['checkout', 'root-demo', dest], { repo });
  assert.equal(checkout.status, 5, checkout.stderr);
  assert.match(checkout.stderr, new RegExp(`^hacktree: error\\[OBJECT_CORRUPT\\]: object ${top} is corrupt: git cannot read it`, 'm'));
  assert.equal(existsSync(dest), false);
});
