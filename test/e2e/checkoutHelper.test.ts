import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inMountNamespace, makeTempDir, runHacktree } from '../helpers/cli.js';
import { fingerprintDifferences, treeFingerprint } from '../helpers/treeFingerprint.js';

// A checkout makes its directories and links on several threads: the native addon's linkTree
// (directories level by level, then links, in runs handed out to each thread), or without the
// addon (HACKTREE_NATIVE=0), from 2000 entries on, this thread and a worker that makes the last
// part. These check both: everything arrives, whichever thread made it, and what a thread cannot
// link (a missing raw entry, another filesystem) is still placed.
let work: string;
let repo: string;
let tree: string;
let fingerprint: Map<string, string>;
/** Paths in the first and in the last part of the checkout (entries are sorted by path). */
const early = 'a00/d0/f00';
const late = 'z39/d2/f19';

/** The way the checkouts below are made: the native addon's threads, or JavaScript's. */
const modes: Array<{ name: string; tag: string; env: Record<string, string> }> = [
  { name: 'native threads', tag: 'native', env: {} },
  { name: 'without the addon (a worker thread)', tag: 'js', env: { HACKTREE_NATIVE: '0' } },
];
let env: Record<string, string> = {};

function ok(args: string[]): string {
  const r = runHacktree(args, { repo, env });
  assert.equal(r.status, 0, `hacktree ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

function rawFilesOf(oid: string): string[] {
  const dir = join(repo, 'hacktree/raw', oid.slice(0, 2));
  return readdirSync(dir).filter((n) => n.startsWith(`${oid.slice(2)}.`)).map((n) => join(dir, n));
}

before(() => {
  work = makeTempDir('hacktree-checkout-helper');
  repo = join(work, 'repo');
  tree = join(work, 'tree');
  // 80 top directories (a00…a39, z00…z39), 3 below each, 20 files and a symlink in each:
  // 5k entries, nested, with owners and modes that differ.
  for (const top of ['a', 'z']) {
    for (let t = 0; t < 40; t++) {
      for (let d = 0; d < 3; d++) {
        const dir = join(tree, `${top}${String(t).padStart(2, '0')}`, `d${d}`);
        mkdirSync(dir, { recursive: true });
        for (let f = 0; f < 20; f++) {
          const file = join(dir, `f${String(f).padStart(2, '0')}`);
          writeFileSync(file, `${top}${t}/${d}/${f}\n`);
          if (f % 7 === 0) chownSync(file, 1000 + f, 100 + d);
          if (f % 5 === 0) chmodSync(file, 0o755);
        }
        symlinkSync('f00', join(dir, 'link'));
      }
      chmodSync(join(tree, `${top}${String(t).padStart(2, '0')}`), 0o750);
    }
  }
  assert.equal(runHacktree(['init'], { repo }).status, 0);
  ok(['root', 'commit', 'root-many', '--tree', `dir=${tree}`]);
  fingerprint = treeFingerprint(tree);
  assert.ok(fingerprint.size >= 5000, `${fingerprint.size} entries`);
});
after(() => rmSync(work, { recursive: true, force: true }));

for (const mode of modes) {
  describe(mode.name, () => {
    before(() => (env = mode.env));
    test('a checkout split over two threads holds every entry, hardlinked, in both parts', () => {
      const dest = join(work, `${mode.tag}-checkout`);
      const result = JSON.parse(ok(['checkout', 'root-many', dest, '--json'])) as { linked: number; copied: number };
      assert.deepEqual(fingerprintDifferences(fingerprint, treeFingerprint(dest)), []);
      assert.equal(result.copied, 0);
      for (const path of [early, late]) assert.ok(lstatSync(join(dest, path)).nlink >= 2, `${path} is a hardlink into the raw cache`);
      assert.equal(lstatSync(join(dest, 'z39')).mode & 0o777, 0o750, 'directory modes are set after the helper made them');
    });

    test('raw entries missing in either part are rebuilt from git, and the checkout is whole', () => {
      const oids = [early, late].map((path) => execFileSync('git', [`--git-dir=${repo}`, 'rev-parse', `root-many:files/${path}`], { encoding: 'utf8' }).trim());
      for (const oid of oids) for (const raw of rawFilesOf(oid)) rmSync(raw);
      const dest = join(work, `${mode.tag}-checkout-rebuilt`);
      ok(['checkout', 'root-many', dest]);
      assert.deepEqual(fingerprintDifferences(fingerprint, treeFingerprint(dest)), []);
      for (const oid of oids) assert.equal(rawFilesOf(oid).length, 1, `the raw entry of ${oid} is back`);
      for (const path of [early, late]) assert.ok(lstatSync(join(dest, path)).nlink >= 2, `${path} is linked from the rebuilt raw entry`);
    });

    test('raw entries changed behind hacktree in either part (a mode, an owner, a symlink target) are rewritten before they are linked', () => {
      const oids = [early, late].map((path) => execFileSync('git', [`--git-dir=${repo}`, 'rev-parse', `root-many:files/${path}`], { encoding: 'utf8' }).trim());
      const [earlyRaw, lateRaw] = oids.map((oid) => rawFilesOf(oid)[0]!);
      chmodSync(earlyRaw!, 0o4777);
      chownSync(lateRaw!, 4242, 4242);
      // Every directory's "link" (-> f00) is one raw symlink, linked into both parts.
      const linkOid = execFileSync('git', [`--git-dir=${repo}`, 'rev-parse', 'root-many:files/a00/d0/link'], { encoding: 'utf8' }).trim();
      const rawLink = rawFilesOf(linkOid)[0]!;
      rmSync(rawLink);
      symlinkSync('/etc/shadow', rawLink);
      const dest = join(work, `${mode.tag}-checkout-tampered`);
      const r = runHacktree(['checkout', 'root-many', dest], { repo, env });
      assert.equal(r.status, 0, r.stderr);
      for (const raw of [earlyRaw, lateRaw, rawLink]) assert.match(r.stderr, new RegExp(`warning: raw cache entry ${raw} was damaged`));
      assert.deepEqual(fingerprintDifferences(fingerprint, treeFingerprint(dest)), []);
      for (const path of [early, late, 'a00/d0/link', 'z39/d2/link']) assert.ok(lstatSync(join(dest, path)).nlink >= 2, `${path} is linked from the rewritten raw entry`);
    });

    test('on another filesystem every entry is copied, by either thread, and equals the tree', () => {
      // A tmpfs in a private mount namespace: link(2) fails with EXDEV for all of them.
      const r = inMountNamespace(`
        mount -t tmpfs -o size=64m hacktree-test /mnt
        ${Object.entries(env).map(([name, value]) => `${name}=${value} `).join('')}node ${JSON.stringify(join(process.cwd(), 'bin/hacktree.js'))} checkout root-many /mnt/out --repo ${JSON.stringify(repo)} --json
        cp -a /mnt/out ${JSON.stringify(join(work, `${mode.tag}-copied`))}
      `);
      assert.equal(r.status, 0, r.stderr);
      const result = JSON.parse(r.stdout) as { linked: number; copied: number; entries: number };
      assert.equal(result.linked, 0);
      assert.equal(result.copied, [...fingerprint.values()].filter((v) => !v.startsWith('d ')).length);
      assert.deepEqual(fingerprintDifferences(fingerprint, treeFingerprint(join(work, `${mode.tag}-copied`))), []);
    });

    test('a checkout that fails leaves no destination and no staging directory behind', () => {
      // Every raw entry and its blob gone for one path in the helper's part: nothing to rebuild from.
      const oid = execFileSync('git', [`--git-dir=${repo}`, 'rev-parse', `root-many:files/${late}`], { encoding: 'utf8' }).trim();
      const fresh = mkdtempSync(join(work, 'broken-'));
      execFileSync('cp', ['-a', repo, join(fresh, 'repo')]);
      const copyRepo = join(fresh, 'repo');
      for (const raw of readdirSync(join(copyRepo, 'hacktree/raw', oid.slice(0, 2))).filter((n) => n.startsWith(`${oid.slice(2)}.`))) {
        rmSync(join(copyRepo, 'hacktree/raw', oid.slice(0, 2), raw));
      }
      execFileSync('git', [`--git-dir=${copyRepo}`, 'repack', '-a', '-d', '-q']);
      // The blob goes too: the packs are rewritten without it.
      const packDir = join(copyRepo, 'objects/pack');
      const keep = execFileSync('git', [`--git-dir=${copyRepo}`, 'rev-list', '--objects', '--all'], { encoding: 'utf8' })
        .split('\n').map((l) => l.split(' ')[0]).filter((o) => o && o !== oid).join('\n');
      execFileSync('git', [`--git-dir=${copyRepo}`, 'pack-objects', '-q', join(fresh, 'pack')], { input: `${keep}\n`, stdio: ['pipe', 'ignore', 'inherit'] });
      for (const name of readdirSync(packDir)) rmSync(join(packDir, name));
      for (const name of readdirSync(fresh).filter((n) => n.startsWith('pack-'))) execFileSync('mv', [join(fresh, name), packDir]);
      const dest = join(fresh, 'out');
      const r = runHacktree(['checkout', 'root-many', dest], { repo: copyRepo });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /error\[OBJECT_MISSING\]/);
      assert.equal(existsSync(dest), false);
      assert.deepEqual(readdirSync(fresh).sort(), ['repo']);
    });
  });
}
