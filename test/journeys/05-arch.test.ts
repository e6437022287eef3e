import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { story } from './story.js';

// i686 roots on this x86_64 machine, as the README tells it: the main job built the default set
// for i686 too (32-bit bases, builds under setarch i686) and deployed 3.2-runtime-opt-i686; its
// programs are 32-bit, m4 links the set's own i686 libsigsegv, the two arches' builds differ and
// never mix, and a build of the same recipes from scratch gives the same bytes.
const s = story();
const ROOT = '3.2-runtime-opt-i686';
const PUBLIC = `/opt/hacktree/root-${ROOT}`;

/** The main job's artifacts in the clone's artifacts/: file names only. */
function artifacts(): string[] {
  return s.check('ls artifacts').stdout.split('\n').filter((f) => f.endsWith(',.tar.gz'));
}

test('the i686 runtime root runs hello, a 32-bit i386 program, under an i686 personality', () => {
  assert.equal(s.step(`hacktree root run ${ROOT} -- hello`), 'Hello, world!\n');
  assert.equal(s.step(`hacktree root run ${ROOT} -- uname -m`), 'i686\n');
  const header = s.step(`readelf -h ${PUBLIC}/usr/bin/hello`);
  assert.match(header, /^ +Class: +ELF32$/m);
  assert.match(header, /^ +Machine: +Intel 80386$/m);
  // The base under it is Debian's i386 userland, not the host's amd64 one.
  assert.match(s.check(`readelf -h ${PUBLIC}/bin/sh`).stdout, /^ +Machine: +Intel 80386$/m);
});

test("m4 for i686 links the set's own i686 libsigsegv, not anything of the host's", () => {
  const ldd = s.step('hacktree root run 3.2-sdk-opt-i686 -- ldd /usr/bin/m4');
  // The set installs libsigsegv in /usr/lib (/lib is a link to it); Debian's would be in /usr/lib/i386-linux-gnu.
  assert.match(ldd, /^\s+libsigsegv\.so\.2 => (\/usr)?\/lib\/libsigsegv\.so\.2 /m, "the set's libsigsegv");
  assert.match(ldd, /^\s+libc\.so\.6 => \/lib\/i386-linux-gnu\/libc\.so\.6 /m, "the i386 base's C library");
  assert.match(s.check('hacktree root blame 3.2-sdk-opt-i686 usr/lib/libsigsegv.so.2').stdout, /libsigsegv-runtime,a=i686,b=opt,id=[0-9a-f]{32},o=master,r=3\.2-opt-i686,/);
  // The files themselves, read from the root: m4 needs libsigsegv.so.2, and the one there is 32-bit.
  const library = s.check('hacktree root run 3.2-sdk-opt-i686 -- readlink -f /usr/lib/libsigsegv.so.2').stdout.trim();
  assert.match(library, /^\/usr\/lib\/libsigsegv\.so\.2\.\d/);
  assert.equal(s.check(`hacktree root cat 3.2-sdk-opt-i686 /usr/bin/m4 > ~/m4 && hacktree root cat 3.2-sdk-opt-i686 ${library} > ~/libsigsegv.so.2`).status, 0);
  assert.match(s.check('readelf -d ~/m4').stdout, /\(NEEDED\) +Shared library: \[libsigsegv\.so\.2\]/);
  assert.match(s.check('readelf -h ~/libsigsegv.so.2').stdout, /^ +Class: +ELF32$/m);
  assert.match(s.check('readelf -h ~/libsigsegv.so.2').stdout, /^ +Machine: +Intel 80386$/m);
});

test('each recipe has an x86_64 and an i686 build with different build ids; compose refuses to mix them', () => {
  const files = artifacts();
  for (const name of ['libsigsegv', 'hello', 'sed', 'gzip', 'm4']) {
    const ids = ['x86_64', 'i686'].map((arch) => {
      const file = files.find((f) => f.startsWith(`${name}-runtime,a=${arch},b=opt,`) && f.includes(`r=3.2-opt-${arch},`));
      assert.ok(file, `${name} built for ${arch}`);
      return /,id=([0-9a-f]{32}),/.exec(file)![1];
    });
    assert.notEqual(ids[0], ids[1], `${name}: one build id per arch`);
  }
  // The i686 root's artifacts, with hello's x86_64 build in place of its own under an i686 r=.
  const hello64 = files.find((f) => f.startsWith('hello-runtime,a=x86_64,b=opt,'))!;
  const mixed = [
    'rm -rf ~/mixed && mkdir ~/mixed',
    ...files.filter((f) => f.includes('r=3.2-opt-i686,') && !f.startsWith('hello-runtime,')).map((f) => `cp 'artifacts/${f}' ~/mixed/`),
    `cp 'artifacts/${hello64}' ~/mixed/'${hello64.replace('r=3.2-opt-x86_64', 'r=3.2-opt-i686')}'`,
  ];
  for (const command of mixed) assert.equal(s.check(command).status, 0, command);
  const before = s.check(`git --git-dir=/var/lib/hacktree/repo rev-parse root-${ROOT}`).stdout;
  const refused = s.check(`hacktree root compose ${ROOT} --artifacts ~/mixed`);
  assert.equal(refused.status, 6, refused.stderr);
  assert.match(refused.stderr, /error\[ARTIFACT_ROOT_MISMATCH\]: artifact hello-runtime,a=x86_64,b=opt,.*r=3\.2-opt-i686,.* never mixes architectures/);
  assert.equal(s.check(`git --git-dir=/var/lib/hacktree/repo rev-parse root-${ROOT}`).stdout, before, 'the root did not move');
});

test('hacktree make builds for the i686 root: an edited hello, 32-bit, in the deployed root; reset takes it back', () => {
  const src = join(s.shell().home, 'src/hello');
  s.step('hacktree source hello ~/src/hello');
  s.step(`sed -i 's/^  set_program_name (argv\\[0\\]);/&\\n  wprintf (L"an i686 build of hello\\\\n");/' src/hello.c`, src);
  const made = s.step(`HACKTREE_ROOT=${PUBLIC} hacktree make debug`, src);
  assert.match(made, /^hello \S+ built debug against 3\.2-runtime-opt-i686: configured and built/m);
  assert.equal(s.step(`hacktree root run ${ROOT} -- hello`), 'an i686 build of hello\nHello, world!\n');
  assert.match(s.step(`hacktree root local ${ROOT}`), /hello-runtime,a=i686,b=debug,o=local,r=3\.2-opt-i686,/);
  assert.match(s.check(`readelf -h ${PUBLIC}/usr/bin/hello`).stdout, /^ +Machine: +Intel 80386$/m);
  s.step(`hacktree root reset ${ROOT}`);
  assert.equal(s.step(`hacktree root run ${ROOT} -- hello`), 'Hello, world!\n');
});

test('building libsigsegv and hello for i686 again from scratch, elsewhere, gives byte-identical artifacts', () => {
  s.check('rm -rf ~/again && mkdir -p ~/again/artifacts && cp -r recipes roots ~/again/');
  const built = s.check('hacktree build libsigsegv hello -C ~/again --arch i686 --flavor opt');
  assert.equal(built.status, 0, built.stderr);
  assert.match(built.stdout, /^2 built, 0 fetched, 0 cached$/m, 'both built anew, nothing taken from the main job');
  const again = s.check('ls ~/again/artifacts').stdout.split('\n').filter((f) => f.endsWith(',.tar.gz'));
  assert.equal(again.length, 4);
  for (const file of again) {
    assert.match(file, /,a=i686,b=opt,/);
    const sums = s.check(`sha256sum 'artifacts/${file}' ~/again/artifacts/'${file}' | cut -d' ' -f1 | uniq | wc -l`).stdout;
    assert.equal(sums, '1\n', `${file}: the main job's and this build's are the same bytes`);
  }
});
