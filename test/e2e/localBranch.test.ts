import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertCliError } from '../helpers/assertCliError.js';
import { hacktreeBin, inMountNamespace, makeTempDir, runHacktree } from '../helpers/cli.js';
import { copyPackageData, hacktreeOk, makeDebRoot, packDir, type DebRoot } from '../helpers/debRoot.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../helpers/repoState.js';
import { treeFingerprint } from '../helpers/treeFingerprint.js';

// A devel root of 13 real Debian packages; a local build of `hostname` replaces its files.
const ROOT = '1.0-devel-opt-x86_64';
let work: string;
let deb: DebRoot;
let localHostname: string;
let prefix: string;

const ok = (args: string[], env: Record<string, string> = {}) => hacktreeOk(deb.repo, args, env);
const git = (...args: string[]) => execFileSync('git', ['--git-dir', deb.repo, ...args], { encoding: 'utf8' }).trim();
const HOSTNAME_MAN = ['hostname.1.gz', 'dnsdomainname.1.gz', 'domainname.1.gz', 'nisdomainname.1.gz', 'ypdomainname.1.gz'].map((f) => `usr/share/man/man1/${f}`);

function checkoutOf(ref: string, name: string): string {
  const dest = join(work, 'checkouts', name);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(join(work, 'checkouts'), { recursive: true });
  ok(['checkout', ref, dest]);
  return dest;
}

/** Fingerprints of a checkout, without the paths of `except` (package names) and their parents. */
function othersOf(dir: string, except: (path: string) => boolean): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, print] of treeFingerprint(dir)) if (!except(path) && !print.startsWith('d ')) out.set(path, print);
  return out;
}

before(() => {
  work = makeTempDir('hacktree-local');
  prefix = join(work, 'prefix');
  mkdirSync(prefix);
  deb = makeDebRoot(work);
  ok(['root', 'compose', ROOT, '--roots', deb.roots, '--artifacts', deb.artifacts]);
  // The local build: another bin/hostname, the man pages gone, a new file.
  const data = copyPackageData(deb, 'hostname', join(work, 'local-hostname'));
  writeFileSync(join(data, 'bin/hostname'), '#!/bin/sh\necho local-hostname\n');
  rmSync(join(data, 'usr/share/man'), { recursive: true });
  writeFileSync(join(data, 'usr/share/doc/hostname/LOCAL-BUILD'), 'built here\n');
  localHostname = packDir(data, { name: 'hostname', version: deb.versions.get('hostname')!, out: join(work, 'local'), origin: 'local' });
});
after(() => rmSync(work, { recursive: true, force: true }));

test('bad input is a clear error and changes nothing', () => {
  const before = snapshotRepoState(deb.repo);
  const hostnameData = deb.data.get('hostname')!;
  const otherRoot = packDir(hostnameData, { name: 'hostname', version: '9', out: join(work, 'bad'), origin: 'local', root: '2.0-opt-x86_64' });
  assertCliError(runHacktree(['root', 'install-local', otherRoot, '--root', ROOT], { repo: deb.repo }), 'ARTIFACT_ROOT_MISMATCH', ['r=2.0-opt-x86_64', 'r=1.0-opt-x86_64']);
  // A debug build against the debug root is another root's (r=); a debug build against this one is welcome (make debug).
  const debug = packDir(hostnameData, { name: 'hostname', version: '9', out: join(work, 'bad'), origin: 'local', flavor: 'debug', root: '1.0-debug-x86_64' });
  assertCliError(runHacktree(['root', 'install-local', debug, '--root', ROOT], { repo: deb.repo }), 'ARTIFACT_ROOT_MISMATCH', ['r=1.0-debug-x86_64', 'r=1.0-opt-x86_64']);
  const master = join(deb.artifacts, execFileSync('ls', [deb.artifacts], { encoding: 'utf8' }).split('\n').find((f) => f.startsWith('sed-runtime,'))!);
  assertCliError(runHacktree(['root', 'install-local', master, '--root', ROOT], { repo: deb.repo }), 'ARTIFACT_NAME_INVALID', ['o=master']);
  assertCliError(runHacktree(['root', 'install-local', localHostname, '--root', '9.9-devel-opt-x86_64'], { repo: deb.repo }), 'REF_NOT_FOUND', ['9.9-devel-opt-x86_64']);
  assertCliError(runHacktree(['root', 'install-local', localHostname], { repo: deb.repo, env: { HACKTREE_ROOT: '' } }), 'USAGE', ['HACKTREE_ROOT']);
  const garbage = join(work, 'bad', 'junk-runtime,b=opt,o=local,r=1.0-opt-x86_64,v=1,.tar.gz');
  writeFileSync(garbage, 'this is not a tarball\n');
  assertCliError(runHacktree(['root', 'install-local', garbage, '--root', ROOT], { repo: deb.repo }), 'TAR_INVALID', ['junk-runtime']);
  assertCliError(runHacktree(['root', 'reset', ROOT], { repo: deb.repo }), 'REF_NOT_FOUND', ['no local branch']);
  assertCliError(runHacktree(['root', 'update', ROOT], { repo: deb.repo }), 'REF_NOT_FOUND', ['no local branch']);
  assertRepoUnchanged(before, snapshotRepoState(deb.repo));
});

test('install-local replaces the package\'s files on local/root-NAME and leaves the others alone', () => {
  const out = ok(['root', 'install-local', localHostname, '--prefix', prefix], { HACKTREE_ROOT: ROOT });
  assert.match(out, /new local branch/);
  assert.match(out, /replaced hostname-runtime,b=opt,o=master,/);
  assert.match(out, new RegExp(`not redeployed: ${ROOT} is not deployed at ${prefix}`));
  const local = checkoutOf(`local/root-${ROOT}`, 'local');
  const master = checkoutOf(`root-${ROOT}`, 'master');
  assert.equal(readFileSync(join(local, 'bin/hostname'), 'utf8'), '#!/bin/sh\necho local-hostname\n');
  assert.equal(readFileSync(join(local, 'usr/share/doc/hostname/LOCAL-BUILD'), 'utf8'), 'built here\n');
  for (const path of HOSTNAME_MAN) assert.ok(!existsSync(join(local, path)), `${path} is gone`);
  assert.ok(existsSync(join(local, 'usr/share/man/man1/bash.1.gz')), 'a directory other packages use stays');
  const isHostnames = (p: string) => p === 'bin/hostname' || p.startsWith('usr/share/doc/hostname/') || HOSTNAME_MAN.includes(p);
  assert.deepEqual(othersOf(local, isHostnames), othersOf(master, isHostnames));
  assert.match(ok(['root', 'blame', `local/root-${ROOT}`, 'bin/hostname']), /hostname-runtime,b=opt,o=local,/);
  assert.match(ok(['root', 'blame', `local/root-${ROOT}`, 'bin/sed']), /sed-runtime,b=opt,o=master,/);
  assert.equal(git('rev-parse', `local/root-${ROOT}^`), git('rev-parse', `root-${ROOT}`), 'made from the root\'s tip');
  assertFsckClean(deb.repo);
});

test('root local lists the local component; installing it again commits nothing', () => {
  const text = ok(['root', 'local', ROOT]);
  assert.match(text, /hostname-runtime\t3\.23\+nmu1\topt\t8 paths\thostname-runtime,b=opt,o=local,/);
  const listing = JSON.parse(ok(['root', 'local', ROOT, '--json'])) as { components: Array<{ component: string; paths: number; sha256: string }>; base: string; master: string };
  assert.deepEqual(listing.components.map((c) => [c.component, c.paths]), [['hostname-runtime', 8]]);
  assert.match(listing.components[0]!.sha256, /^[0-9a-f]{64}$/);
  assert.equal(listing.base, listing.master);
  const tip = git('rev-parse', `local/root-${ROOT}`);
  assert.match(ok(['root', 'install-local', localHostname, '--root', ROOT, '--no-deploy']), /already installed, nothing committed/);
  assert.equal(git('rev-parse', `local/root-${ROOT}`), tip);
});

test('update rebases on a new master: master\'s new tree plus the local artifact, no merge commit', () => {
  const sed = copyPackageData(deb, 'sed', join(work, 'sed-2'));
  writeFileSync(join(sed, 'usr/share/doc/sed/NEW-MASTER'), 'sed, newer\n');
  packDir(sed, { name: 'sed', version: '4.9-2', out: deb.artifacts });
  const oldTip = git('rev-parse', `local/root-${ROOT}`);
  ok(['root', 'compose', ROOT, '--roots', deb.roots, '--artifacts', deb.artifacts]);
  assert.match(ok(['root', 'local', ROOT]), /master moved/);
  assert.match(ok(['root', 'update', ROOT, '--prefix', prefix]), /not redeployed/);
  const tip = git('rev-parse', `local/root-${ROOT}`);
  assert.equal(git('rev-list', '--parents', '-n', '1', tip), `${tip} ${oldTip}`, 'one parent: the old local tip');
  assert.equal(git('rev-list', '--merges', `local/root-${ROOT}`), '');
  const local = checkoutOf(`local/root-${ROOT}`, 'updated');
  assert.equal(readFileSync(join(local, 'usr/share/doc/sed/NEW-MASTER'), 'utf8'), 'sed, newer\n');
  assert.equal(readFileSync(join(local, 'bin/hostname'), 'utf8'), '#!/bin/sh\necho local-hostname\n');
  for (const path of HOSTNAME_MAN) assert.ok(!existsSync(join(local, path)), `${path} stays gone`);
  assert.match(ok(['root', 'blame', `local/root-${ROOT}`, 'bin/sed']), /sed-runtime,.*v=4\.9-2,/);
  assert.match(ok(['root', 'update', ROOT]), /already built on master/);
  assertFsckClean(deb.repo);
});

test('a conflict during update names the file and changes nothing', () => {
  const extra = join(work, 'extra');
  mkdirSync(join(extra, 'usr/share/doc/sed'), { recursive: true });
  writeFileSync(join(extra, 'usr/share/doc/sed/EXTRA'), 'from a local tool\n');
  ok(['root', 'install-local', packDir(extra, { name: 'extra', version: '1', out: join(work, 'local'), origin: 'local' }), '--root', ROOT]);
  const sed = copyPackageData(deb, 'sed', join(work, 'sed-3'));
  writeFileSync(join(sed, 'usr/share/doc/sed/EXTRA'), 'from sed\n');
  packDir(sed, { name: 'sed', version: '4.9-3', out: deb.artifacts });
  ok(['root', 'compose', ROOT, '--roots', deb.roots, '--artifacts', deb.artifacts]);
  const before = snapshotRepoState(deb.repo);
  assertCliError(runHacktree(['root', 'update', ROOT], { repo: deb.repo }), 'TREE_CONFLICT', ['usr/share/doc/sed/EXTRA', 'extra-runtime']);
  assertRepoUnchanged(before, snapshotRepoState(deb.repo));
});

test('reset drops the local branch: back to master', () => {
  const tip = git('rev-parse', `local/root-${ROOT}`);
  assert.match(ok(['root', 'reset', ROOT, '--prefix', prefix]), new RegExp(`dropped local/root-${ROOT} \\(was ${tip}\\)`));
  assert.equal(runHacktree(['root', 'local', ROOT], { repo: deb.repo }).stdout.trim(), `${ROOT}: no local branch (deployments use root-${ROOT})`);
  assert.throws(() => git('rev-parse', '--verify', '-q', `refs/heads/local/root-${ROOT}`));
  assertFsckClean(deb.repo);
});

test('deployed: install-local, update and reset redeploy the published root', () => {
  const bin = `node ${hacktreeBin} --repo ${deb.repo}`;
  const pub = join(prefix, `root-${ROOT}`);
  const sed = copyPackageData(deb, 'sed', join(work, 'sed-4'));
  writeFileSync(join(sed, 'usr/share/doc/sed/EXTRA'), 'from sed 4\n');
  const r = inMountNamespace(`
    ${bin} root checkout ${ROOT} --prefix ${prefix} -q
    test "$(head -c 4 ${pub}/bin/hostname | tail -c 3)" = ELF
    ${bin} root install-local ${localHostname} --root ${ROOT} --prefix ${prefix}
    test "$(cat ${pub}/bin/hostname)" = "$(printf '#!/bin/sh\\necho local-hostname')"
    test ! -e ${pub}/usr/share/man/man1/hostname.1.gz
    test "$(findmnt -n -o TARGET ${pub} | wc -l)" = 1
    ${bin} root status ${ROOT} --prefix ${prefix} --json | grep -q 'hostname-runtime,b=opt,o=local'
    ${process.execPath} ${hacktreeBin} artifact pack ${sed} --name sed --version 4.9-4 --root 1.0-opt-x86_64 --flavor opt --out ${deb.artifacts} -q
    ${bin} root compose ${ROOT} --roots ${deb.roots} --artifacts ${deb.artifacts} -q
    ${bin} root update ${ROOT} --prefix ${prefix}
    test "$(cat ${pub}/usr/share/doc/sed/EXTRA)" = "from sed 4"
    test "$(cat ${pub}/bin/hostname)" = "$(printf '#!/bin/sh\\necho local-hostname')"
    ${bin} root reset ${ROOT} --prefix ${prefix}
    test "$(head -c 4 ${pub}/bin/hostname | tail -c 3)" = ELF
    test -e ${pub}/usr/share/man/man1/hostname.1.gz
    test "$(findmnt -n -o TARGET ${pub} | wc -l)" = 1
    echo done
  `);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /redeployed at/);
  assert.match(r.stdout, /redeployed master at/);
  assert.match(r.stdout, /done\n$/);
  assertFsckClean(deb.repo);
});
