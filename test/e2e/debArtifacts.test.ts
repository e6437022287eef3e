import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { ensureW1 } from '../fixtures/w1.js';
import { hacktreeBin, makeTempDir, runHacktree } from '../helpers/cli.js';
import { fingerprintDifferences, treeFingerprint } from '../helpers/treeFingerprint.js';

// The 156 real Debian packages W1 was made from: each one's data becomes a -runtime and a
// -devel artifact through `hacktree artifact pack`, all are imported, and a devel root composed
// from them must equal the union of the packages' contents.
const run = promisify(execFile);
let work: string;
let repo: string;
let packages: string[];
const expected = new Map<string, string>();

function ok(args: string[]): string {
  const r = runHacktree(args, { repo });
  assert.equal(r.status, 0, `hacktree ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

before(async () => {
  const { debs } = ensureW1();
  work = makeTempDir('hacktree-debs');
  repo = join(work, 'repo');
  const artifacts = join(work, 'artifacts');
  mkdirSync(artifacts);
  mkdirSync(join(work, 'roots'));
  const files = readdirSync(debs).filter((f) => f.endsWith('.deb')).sort();
  assert.equal(files.length, 156);
  packages = [];
  const jobs = files.map((file) => async () => {
    const deb = join(debs, file);
    const field = async (name: string) => (await run('dpkg-deb', ['-f', deb, name])).stdout.trim();
    const pkg = await field('Package');
    const version = (await field('Version')).replace(/:/g, '_');
    const dest = join(work, 'data', pkg);
    mkdirSync(dest, { recursive: true });
    await run('bash', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -p --numeric-owner -C "$2"', '_', deb, dest]);
    await run(process.execPath, [hacktreeBin, 'artifact', 'pack', dest, '--name', pkg, '--version', version,
      '--root', '1.0-opt-x86_64', '--flavor', 'opt', '--out', artifacts, '-q']);
    packages.push(pkg);
  });
  // Two at a time: the machines have two cores.
  await Promise.all([0, 1].map(async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) await job();
  }));
  for (const pkg of packages) for (const [path, print] of treeFingerprint(join(work, 'data', pkg))) expected.set(path, print);
  writeFileSync(join(work, 'roots', '1.0.json'), JSON.stringify({ version: '1.0', arches: ['x86_64'], runtime: packages.sort() }));
  ok(['init']);
});
after(() => rmSync(work, { recursive: true, force: true }));

test('all 312 artifacts import, each content once, and importing them again is a no-op', () => {
  const files = readdirSync(join(work, 'artifacts')).map((f) => join(work, 'artifacts', f));
  assert.equal(files.length, 312);
  type Imported = { imported: boolean; sha256: string };
  const first = JSON.parse(ok(['artifact', 'import', ...files, '--json'])) as Imported[];
  assert.equal(first.length, 312);
  // Byte-identical tarballs (a -devel holding only "./", say) are one content: stored once.
  assert.equal(first.filter((a) => a.imported).length, new Set(first.map((a) => a.sha256)).size);
  const second = JSON.parse(ok(['artifact', 'import', ...files, '--json'])) as Imported[];
  assert.equal(second.filter((a) => a.imported).length, 0);
});

test('the composed devel root equals the union of the packages\' contents', () => {
  const composed = JSON.parse(ok(['root', 'compose', '1.0-devel-opt-x86_64', '--roots', join(work, 'roots'), '--artifacts', join(work, 'artifacts'), '--json'])) as { artifacts: string[] };
  assert.equal(composed.artifacts.length, 312);
  const dest = join(work, 'devel');
  ok(['checkout', '1.0-devel-opt-x86_64', dest]);
  assert.deepEqual(fingerprintDifferences(expected, treeFingerprint(dest)), []);
  execFileSync('git', ['--git-dir', repo, 'fsck', '--strict', '--no-dangling'], { stdio: 'pipe' });
});

test("the split puts Debian's -dev files in -devel and its shared libraries in -runtime, as OE's -dev rules say", () => {
  // Path -> the package and split it must come from; every one is where Debian puts it.
  const expectations: Array<[string, string]> = [
    ['usr/lib/x86_64-linux-gnu/crt1.o', 'libc6-dev-devel'],
    ['usr/lib/x86_64-linux-gnu/Scrt1.o', 'libc6-dev-devel'],
    ['usr/lib/x86_64-linux-gnu/crti.o', 'libc6-dev-devel'],
    ['usr/lib/x86_64-linux-gnu/libc_nonshared.a', 'libc6-dev-devel'],
    ['usr/lib/x86_64-linux-gnu/libc.so', 'libc6-dev-devel'], // a linker script
    ['usr/lib/x86_64-linux-gnu/libcrypt.so', 'libcrypt-dev-devel'], // a link to libcrypt.so.1
    ['usr/lib/gcc/x86_64-linux-gnu/12/crtbegin.o', 'libgcc-12-dev-devel'],
    ['usr/lib/gcc/x86_64-linux-gnu/12/libgcc_s.so', 'libgcc-12-dev-devel'],
    ['usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h', 'libgcc-12-dev-devel'],
    ['usr/lib/gcc/x86_64-linux-gnu/12/libstdc++.so', 'libstdc++-12-dev-devel'],
    ['lib/x86_64-linux-gnu/libc.so.6', 'libc6-runtime'],
    ['lib/x86_64-linux-gnu/libcrypt.so.1', 'libcrypt1-runtime'],
    ['usr/lib/x86_64-linux-gnu/libstdc++.so.6', 'libstdc++6-runtime'],
    ['usr/lib/x86_64-linux-gnu/libdb-5.3.so', 'libdb5.3-runtime'], // libtool -release: its soname
  ];
  for (const [path, artifact] of expectations) {
    const blamed = JSON.parse(ok(['root', 'blame', '1.0-devel-opt-x86_64', path, '--json'])) as { artifact?: string };
    assert.equal(blamed.artifact?.split(',')[0], artifact, path);
  }
});

test('blame names the artifact that provided a path; a runtime root has no headers', () => {
  // bookworm's packages still ship /bin; debootstrap, not a package, makes the merged-/usr links.
  assert.match(ok(['root', 'blame', '1.0-devel-opt-x86_64', 'bin/bash']), /bash-runtime,/);
  assert.match(ok(['root', 'blame', '1.0-devel-opt-x86_64', 'usr/include/stdio.h']), /libc6-dev-devel,/);
  ok(['root', 'compose', '1.0-runtime-opt-x86_64', '--roots', join(work, 'roots'), '--artifacts', join(work, 'artifacts')]);
  const ls = runHacktree(['root', 'ls', '1.0-runtime-opt-x86_64', 'usr/include/stdio.h'], { repo });
  assert.notEqual(ls.status, 0);
  assert.match(ls.stderr, /error\[PATH_NOT_FOUND\]/);
  assert.match(ok(['root', 'ls', '1.0-runtime-opt-x86_64', 'bin/bash']), /bash/);
});
