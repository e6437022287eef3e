import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { hacktreeBin, inMountNamespace, makeTempDir } from '../helpers/cli.js';
import { hacktreeOk, packDir } from '../helpers/debRoot.js';
import { assertFsckClean } from '../helpers/repoState.js';
import { fingerprintDifferences, treeFingerprint } from '../helpers/treeFingerprint.js';

// A local commit rewrites only the trees along the changed paths, and its redeploy checks out
// only what changed, as a layer over the deployed master: both must give exactly what a full
// rewrite and a full checkout give, deep in a tree whose subtrees are packed (over 100
// directories), with modes, owners, xattrs, symlinks, a fifo and empty directories.
const ROOT = '1.0-runtime-opt-x86_64';
let work: string;
let repo: string;
let prefix: string;
const tools: string[] = [];

const ok = (args: string[]) => hacktreeOk(repo, args);
const git = (...args: string[]) => execFileSync('git', ['--git-dir', repo, ...args], { encoding: 'utf8' }).trim();

/** The root: 12 x 12 directories two deep under usr/share/pkgN, a few files each, and the odd things W1 has. */
function makeRootTree(dir: string): void {
  for (let a = 0; a < 12; a++) {
    for (let b = 0; b < 12; b++) {
      const sub = join(dir, `usr/share/pkg${a}/part${b}`);
      mkdirSync(sub, { recursive: true });
      writeFileSync(join(sub, 'data'), `data ${a} ${b}\n`);
      writeFileSync(join(sub, 'run'), `#!/bin/sh\necho ${a} ${b}\n`);
      chmodSync(join(sub, 'run'), 0o755);
    }
  }
  mkdirSync(join(dir, 'usr/lib'), { recursive: true });
  mkdirSync(join(dir, 'var/empty'), { recursive: true });
  mkdirSync(join(dir, 'etc'), { recursive: true });
  writeFileSync(join(dir, 'etc/owned'), 'odd owner\n');
  chownSync(join(dir, 'etc/owned'), 1234, 5678);
  writeFileSync(join(dir, 'etc/tagged'), 'with an xattr\n');
  execFileSync('setfattr', ['-n', 'user.hacktree', '-v', 'kept', join(dir, 'etc/tagged')]);
  execFileSync('mkfifo', [join(dir, 'etc/fifo')]);
  symlinkSync('../usr/share/pkg0/part0/data', join(dir, 'etc/data-link'));
}

/** A local build of "tool": files deep in new and existing directories. */
function makeTool(dir: string, version: 1 | 2): void {
  const lib = join(dir, 'usr/lib/tool/plugins/net');
  mkdirSync(lib, { recursive: true });
  mkdirSync(join(dir, 'usr/share/pkg5/part7'), { recursive: true });
  writeFileSync(join(lib, 'http.so'), `http v${version}\n`);
  if (version === 1) {
    writeFileSync(join(lib, 'ftp.so'), 'ftp, gone in v2\n');
    mkdirSync(join(dir, 'usr/lib/tool/old/deeper'), { recursive: true });
    writeFileSync(join(dir, 'usr/lib/tool/old/deeper/legacy'), 'gone in v2, and its directories with it\n');
    writeFileSync(join(dir, 'usr/share/pkg5/part7/tool.conf'), 'v1\n');
  } else {
    mkdirSync(join(dir, 'usr/lib/tool/plugins/disk/raid'), { recursive: true });
    writeFileSync(join(dir, 'usr/lib/tool/plugins/disk/raid/md.so'), 'new in v2\n');
    writeFileSync(join(dir, 'usr/share/pkg5/part7/tool.conf'), 'v2, executable now\n');
    chmodSync(join(dir, 'usr/share/pkg5/part7/tool.conf'), 0o750);
    symlinkSync('plugins/net/http.so', join(dir, 'usr/lib/tool/default.so'));
    execFileSync('setfattr', ['-n', 'user.tool', '-v', 'v2', join(lib, 'http.so')]);
  }
}

before(() => {
  work = makeTempDir('hacktree-local-incr');
  repo = join(work, 'repo');
  prefix = join(work, 'prefix');
  mkdirSync(prefix);
  ok(['init']);
  makeRootTree(join(work, 'root'));
  ok(['root', 'commit', `root-${ROOT}`, '--tree', `dir=${join(work, 'root')}`]);
  for (const version of [1, 2] as const) {
    makeTool(join(work, `tool-${version}`), version);
    tools[version] = packDir(join(work, `tool-${version}`), { name: 'tool', version: String(version), out: join(work, 'local'), origin: 'local' });
  }
});
after(() => rmSync(work, { recursive: true, force: true }));

test('install-local over a deployed root: the commit is the tree a full rewrite makes, the deployment a full checkout, file by file', () => {
  const helpers = dirname(fileURLToPath(import.meta.url)).replace(/\/e2e$/, '/helpers');
  const fingerprint = (path: string) => `${process.execPath} --input-type=module -e "import('${helpers}/treeFingerprint.js').then((m) => console.log(JSON.stringify([...m.treeFingerprint('${path}')])))"`;
  const bin = `${process.execPath} ${hacktreeBin} --repo ${repo}`;
  const pub = join(prefix, `root-${ROOT}`);
  const r = inMountNamespace(`
    ${bin} root checkout ${ROOT} --prefix ${prefix} -q
    ${bin} root install-local '${tools[1]}' --root ${ROOT} --prefix ${prefix} -q
    ${bin} root install-local '${tools[2]}' --root ${ROOT} --prefix ${prefix} -q
    findmnt -n -o FSTYPE ${pub}
    ${fingerprint(pub)}
  `);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const [fstype, deployedJson] = r.stdout.trim().split('\n');
  assert.equal(fstype, 'overlay', 'the redeploy is a layer over the master checkout');

  // The commit: a full checkout of the local tip, committed again the ordinary way (every tree
  // hashed from the files themselves), has the same files/ tree and meta record.
  const full = join(work, 'full');
  ok(['checkout', `local/root-${ROOT}`, full]);
  ok(['root', 'commit', 'root-rewritten', '--tree', `dir=${full}`]);
  assert.equal(git('rev-parse', `local/root-${ROOT}:files`), git('rev-parse', 'root-rewritten:files'), 'files/ as a full rewrite makes it');
  assert.equal(git('rev-parse', `local/root-${ROOT}:meta`), git('rev-parse', 'root-rewritten:meta'), 'the meta record as a full rewrite makes it');

  // The deployment: the published view against that full checkout.
  const deployed = new Map(JSON.parse(deployedJson!) as Array<[string, string]>);
  const checkedOut = treeFingerprint(full);
  assert.deepEqual(fingerprintDifferences(deployed, checkedOut), []);
  const print = (path: string) => checkedOut.get(path) ?? '(absent)';
  assert.match(print('usr/lib/tool/plugins/net/http.so'), /user\.tool=/);
  assert.match(print('usr/share/pkg5/part7/tool.conf'), /^f \d+ \w+ 0750 /);
  assert.match(print('usr/lib/tool/default.so'), /^l plugins\/net\/http\.so /);
  assert.equal(print('usr/lib/tool/plugins/net/ftp.so'), '(absent)');
  assert.equal(print('usr/lib/tool/old'), '(absent)', 'the emptied directories of v1 went with its files');
  assert.match(print('etc/owned'), / 1234:5678 /);
  assert.match(print('etc/tagged'), /user\.hacktree=6b657074/);
  assert.match(print('etc/fifo'), /^p /);
  assert.match(print('var/empty'), /^d /);
  assertFsckClean(repo);
});
