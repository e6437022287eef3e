import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureW1 } from '../fixtures/w1.js';
import { hacktreeBin, inMountNamespace, makeTempDir, runHacktree, type RunResult } from '../helpers/cli.js';

// Deployments of a real root: 12 Debian packages (base-files, bash, coreutils, dash, libc6 and
// their libraries) packed into artifacts, imported and composed, then two commits on top that
// differ in etc/x (A: "a", B: "b"). Every scenario runs in a private mount namespace.
const PACKAGES = ['base-files', 'bash', 'coreutils', 'dash', 'libc6', 'libtinfo6', 'libselinux1', 'libpcre2-8-0', 'libacl1', 'libattr1', 'libgmp10', 'libcap2'];
const NAME = '1.0-runtime-opt-x86_64';
let work: string;
let repo: string;
let commitA: string;
let commitB: string;

function ok(args: string[]): string {
  const r = runHacktree(args, { repo, env: { HACKTREE_FSYNC: '0' } });
  assert.equal(r.status, 0, `hacktree ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

/** The scenario in one bash script, with H (hacktree on this repo), P (a fresh prefix), A and B. */
function scenario(script: string): RunResult {
  const prefix = makeTempDir('hacktree-prefix');
  const result = inMountNamespace(`
    export HACKTREE_FSYNC=0
    H() { node ${hacktreeBin} --repo ${repo} "$@"; }
    P=${prefix}; N=${NAME}; A=${commitA}; B=${commitB}; W=${work}
    ${script}`);
  rmSync(prefix, { recursive: true, force: true });
  return result;
}

function assertScenario(script: string): string {
  const r = scenario(script);
  assert.equal(r.status, 0, `scenario failed (status ${r.status}):\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r.stdout;
}

before(() => {
  const { debs } = ensureW1();
  work = makeTempDir('hacktree-deploy');
  repo = join(work, 'repo');
  const artifacts = join(work, 'artifacts');
  mkdirSync(artifacts);
  mkdirSync(join(work, 'roots'));
  const files = readdirSync(debs);
  for (const pkg of PACKAGES) {
    const deb = join(debs, files.find((f) => f.startsWith(`${pkg}_`))!);
    const dest = join(work, 'data', pkg);
    mkdirSync(dest, { recursive: true });
    execFileSync('bash', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -p --numeric-owner -C "$2"', '_', deb, dest]);
    execFileSync(process.execPath, [hacktreeBin, 'artifact', 'pack', dest, '--name', pkg, '--version', '1',
      '--root', '1.0-opt-x86_64', '--flavor', 'opt', '--out', artifacts, '-q']);
  }
  writeFileSync(join(work, 'roots', '1.0.json'), JSON.stringify({ version: '1.0', arches: ['x86_64'], runtime: PACKAGES }));
  ok(['init']);
  ok(['artifact', 'import', ...readdirSync(artifacts).map((f) => join(artifacts, f)), '-q']);
  ok(['root', 'compose', NAME, '--roots', join(work, 'roots'), '--artifacts', artifacts]);
  for (const [letter, branch] of [['a', 'deploy-a'], ['b', 'deploy-b']] as const) {
    mkdirSync(join(work, letter, 'etc'), { recursive: true });
    writeFileSync(join(work, letter, 'etc', 'x'), `${letter}\n`);
    ok(['root', 'commit', branch, '--tree', `ref=root-${NAME}`, '--tree', `dir=${join(work, letter)}`, '--union']);
  }
  commitA = ok(['root', 'log', 'deploy-a', '--json']).match(/[0-9a-f]{40}/)![0];
  commitB = ok(['root', 'log', 'deploy-b', '--json']).match(/[0-9a-f]{40}/)![0];
  // The fingerprints a complete deployment of A or B has.
  for (const [commit, letter] of [[commitA, 'a'], [commitB, 'b']] as const) {
    ok(['checkout', commit, join(work, `full-${letter}`)]);
    execFileSync('bash', ['-c', `cd "$1" && find . -printf '%p %y %m %s\\n' | sort > "$2"`, '_', join(work, `full-${letter}`), join(work, `print-${letter}`)]);
  }
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Bash: fails unless P/root-N is exactly A's or B's tree, complete. */
const ASSERT_COMPLETE = `
  complete() { (cd $P/root-$N && find . -printf '%p %y %m %s\\n' | sort) > $W/print-now.$$; cmp -s $W/print-now.$$ $W/print-a || cmp -s $W/print-now.$$ $W/print-b; }
  mounts() { grep -c " $P/root-$N " /proc/self/mountinfo || true; }`;

test('deploy publishes the root read-only; root run uses it, also as another user; .real is 0700 root', () => {
  const out = assertScenario(`${ASSERT_COMPLETE}
    H root checkout $N --prefix $P --commit $A
    complete
    test "$(mounts)" = 1
    test "$(stat -c '%a %u %g' $P/.real)" = "700 0 0"
    test "$(cat $P/root-$N/etc/x)" = a
    H root run $N --prefix $P -- /bin/sh -c 'echo ok'
    chmod 755 $P
    setpriv --reuid=65534 --regid=65534 --clear-groups node ${hacktreeBin} root run $N --prefix $P -- /bin/sh -c 'echo "nobody: $(cat /etc/x)"'
    setpriv --reuid=65534 --regid=65534 --clear-groups node ${hacktreeBin} root status --prefix $P 2>&1 || echo "nobody-status=$?"
    set +e
    H root run $N --prefix $P -- /bin/sh -c 'exit 7'; echo "status=$?"
    H root run $N --prefix $P -- /bin/bash -c 'echo x > /etc/x' 2>/dev/null; echo "write-in-run=$?"
    (echo new > $P/root-$N/etc/new) 2>&1; echo "create=$?"
    chmod 777 $P/root-$N/etc/x 2>&1; echo "chmod=$?"
    rm -f $P/root-$N/etc/x 2>&1; echo "rm=$?"
    set -e
    test "$(cat $P/root-$N/etc/x)" = a
    H root status --prefix $P
    H root status $N --prefix $P --json > $W/status.json
  `);
  assert.match(out, /^ok$/m);
  assert.match(out, /^nobody: a$/m);
  assert.match(out, /error\[NOT_PERMITTED\]: the deployment state under \S+ is readable by root only/);
  assert.match(out, /^nobody-status=13$/m);
  assert.match(out, /^status=7$/m);
  assert.doesNotMatch(out, /^write-in-run=0$/m);
  for (const op of ['create', 'chmod', 'rm']) assert.doesNotMatch(out, new RegExp(`^${op}=0$`, 'm'));
  assert.equal((out.match(/Read-only file system/g) ?? []).length, 3, out);
  assert.match(out, new RegExp(`root ${NAME} at .*/root-${NAME}\\n  current:  ${commitA.slice(0, 12)} on root-${NAME}`));
});

test('20 switches: readers never miss a file, an open file keeps reading, one mount remains', () => {
  const out = assertScenario(`${ASSERT_COMPLETE}
    H root checkout $N --prefix $P --commit $A -q
    exec 9< $P/root-$N/etc/x
    rm -f $W/misses $W/stop
    ( while [ ! -e $W/stop ]; do
        cat $P/root-$N/etc/x > /dev/null 2>&1 || echo x >> $W/misses
        [ -x $P/root-$N/bin/bash ] || echo b >> $W/misses
      done ) &
    reader=$!
    for i in $(seq 1 10); do H root checkout $N --prefix $P --commit $B -q; H root checkout $N --prefix $P --commit $A -q; done
    touch $W/stop; wait $reader
    echo "misses=$(cat $W/misses 2>/dev/null | wc -l)"
    echo "mounts=$(mounts)"
    echo "old=$(cat <&9)"
    complete
    ls $P/.real/root-$N | wc -l
  `);
  assert.match(out, /^misses=0$/m);
  assert.match(out, /^mounts=1$/m);
  assert.match(out, /^old=a$/m);
  // state.json, the current and the previous deployment.
  assert.match(out, /^3$/m);
});

test('rollback swaps current and previous; undeploy removes everything; a live process\'s staging is left alone', () => {
  const out = assertScenario(`${ASSERT_COMPLETE}
    H root checkout $N --prefix $P --commit $A -q
    # What a live config apply stages beside the deployments stays; a dead one's goes.
    mkdir $P/.real/root-$N/config-shadow-$$ $P/.real/root-$N/config-shadow-999999999
    H root checkout $N --prefix $P --commit $B -q
    test -d $P/.real/root-$N/config-shadow-$$
    test ! -e $P/.real/root-$N/config-shadow-999999999
    rmdir $P/.real/root-$N/config-shadow-$$
    test "$(cat $P/root-$N/etc/x)" = b
    H root rollback $N --prefix $P
    test "$(cat $P/root-$N/etc/x)" = a
    test "$(mounts)" = 1
    H root status $N --prefix $P --json | grep -c '"commit": "'$B'"'
    H root rollback $N --prefix $P -q
    test "$(cat $P/root-$N/etc/x)" = b
    H root undeploy $N --prefix $P
    test "$(mounts)" = 0
    test ! -e $P/root-$N
    test -z "$(ls -A $P/.real)"
    H root status --prefix $P
  `);
  assert.match(out, /rolled back .* to [0-9a-f]{40}/);
  assert.match(out, /undeployed 1.0-runtime-opt-x86_64 \(2 deployments removed\)/);
  assert.match(out, /no deployed roots/);
});

test('mount --all re-establishes every published root after unmounting by hand, idempotently', () => {
  const out = assertScenario(`${ASSERT_COMPLETE}
    H root checkout $N --prefix $P --commit $A -q
    H root checkout $N --prefix $P --commit $B -q
    H root checkout 2.0-runtime-opt-x86_64 --prefix $P --commit $A -q
    umount $P/root-$N; umount $P/root-2.0-runtime-opt-x86_64
    test "$(mounts)" = 0
    H root status --prefix $P | grep -c 'NOT PUBLISHED'
    H root mount --all --prefix $P
    H root mount --all --prefix $P
    test "$(mounts)" = 1
    test "$(grep -c " $P/root-2.0-runtime-opt-x86_64 " /proc/self/mountinfo)" = 1
    test "$(cat $P/root-$N/etc/x)" = b
    test "$(cat $P/root-2.0-runtime-opt-x86_64/etc/x)" = a
    complete
  `);
  assert.match(out, /^2$/m);
  assert.match(out, /^mounted 1\.0-runtime-opt-x86_64 at /m);
  assert.match(out, /^already mounted 2\.0-runtime-opt-x86_64 at /m);
});

test('a redeploy is a layer holding only the change over the full checkout: an overlay, whiteouts for removals; fsck reads it merged', () => {
  const out = assertScenario(`${ASSERT_COMPLETE}
    # C: B with etc/x removed, usr/share made 0700 and etc/new added.
    H checkout $B $W/c.$$ --copy -q
    rm $W/c.$$/etc/x; chmod 700 $W/c.$$/usr/share; echo new > $W/c.$$/etc/new
    H root commit deploy-c-$$ --tree dir=$W/c.$$ -q
    rm -rf $W/c.$$
    C=$(H root log deploy-c-$$ --json | grep -oE '[0-9a-f]{40}' | head -1)
    H root checkout $N --prefix $P --commit $A -q
    FULL=$(ls -d $P/.real/root-$N/20*)
    H root checkout $N --prefix $P --commit $B -q
    complete
    LAYER=$(ls -d $P/.real/root-$N/20* | grep -v -x "$FULL")
    echo "layer-b: $(cd $LAYER && find . | sort | tr '\n' ' ')"
    echo "fstype: $(grep " $P/root-$N " /proc/self/mountinfo | awk '{ for (i = 7; i < NF; i++) if ($i == "-") print $(i + 1) }')"
    H root status $N --prefix $P | grep -c "a layer over $FULL"
    H root checkout $N --prefix $P --commit $C -q
    test "$(mounts)" = 1
    test ! -e $P/root-$N/etc/x && echo "x-removed"
    echo "share: $(stat -c %a $P/root-$N/usr/share) new: $(cat $P/root-$N/etc/new)"
    LAYER=$(ls -dt $P/.real/root-$N/20* | head -1)
    echo "layer-c: $(cd $LAYER && find . -mindepth 1 -printf '%P %y\n' | LC_ALL=C sort | tr '\n' ,)"
    echo "whiteout: $(stat -c '%F %t:%T' $LAYER/etc/x)"
    ls $P/.real/root-$N | grep -c '^20'
    H root run $N --prefix $P -- /bin/sh -c 'test ! -e /etc/x && cat /etc/new'
    # Not mounted (before mount --all at boot), a layer alone is no tree: a checkout of C serves.
    umount $P/root-$N
    echo "unmounted-run: $(H root run $N --prefix $P -- /bin/sh -c 'test ! -e /etc/x && cat /etc/new')"
    H root mount --all --prefix $P -q
    set +e
    (echo x > $P/root-$N/etc/new) 2>&1; chmod 777 $P/root-$N/usr/share 2>&1; rm -f $P/root-$N/etc/new 2>&1
    set -e
    H fsck --prefix $P -q && echo fsck-clean
    # Damage the layer: the removed file comes back, a directory loses its metadata.
    rm $LAYER/etc/x; chmod 755 $LAYER/usr/share
    set +e
    H fsck --prefix $P; echo "fsck=$?"
    mv $LAYER $LAYER.gone
    echo "unmountable: $(H fsck --prefix $P 2>&1 | grep -c "cannot be verified: its layers .* cannot be mounted")"
    mv $LAYER.gone $LAYER
    set -e
    # D: B plus 500 new files, more than a quarter of the tree: a full checkout, bound as it is.
    mkdir -p $W/d.$$/usr/share/many
    for i in $(seq 500); do echo $i > $W/d.$$/usr/share/many/f$i; done
    H root commit deploy-d-$$ --tree ref=deploy-b --tree dir=$W/d.$$ --union -q
    rm -rf $W/d.$$
    H root checkout $N --prefix $P --commit deploy-d-$$ -q
    echo "d: $(grep " $P/root-$N " /proc/self/mountinfo | grep -c ' - overlay ') $(ls $P/root-$N/usr/share/many | wc -l)"
    H root checkout $N --prefix $P --commit $A -q
    test "$(ls $P/.real/root-$N | grep -c '^20')" = 2
    test "$(cat $P/root-$N/etc/x)" = a
    H root undeploy $N --prefix $P -q
    test -z "$(ls -A $P/.real)"
    ps -eo args | grep -c '^perl -e' || true
  `);
  assert.match(out, /^layer-b: \. \.\/etc \.\/etc\/x $/m);
  assert.match(out, /^fstype: overlay$/m);
  assert.match(out, /^1$/m);
  assert.match(out, /^x-removed$/m);
  assert.match(out, /^share: 700 new: new$/m);
  assert.match(out, /^layer-c: etc d,etc\/new f,etc\/x c,usr d,usr\/share d,$/m);
  assert.match(out, /^whiteout: character special file 0:0$/m);
  // The full checkout of A, B's layer (previous) and C's layer (current).
  assert.match(out, /^3$/m);
  assert.match(out, /^fsck-clean$/m);
  assert.match(out, /^unmounted-run: new$/m);
  // Writing, chmod-ing and deleting through the published overlay: EROFS.
  assert.equal((out.match(/Read-only file system/g) ?? []).length, 3, out);
  assert.match(out, /checkout-drift\t\S+\/20\S+\/etc\/x\tnot in the commit/);
  assert.match(out, /checkout-drift\t\S+\/20\S+\/usr\/share\tmode 755, the commit has 700/);
  assert.match(out, /^fsck=11$/m);
  assert.match(out, /^unmountable: 1$/m);
  assert.match(out, /^d: 0 500$/m);
  // No mount helper outlives fsck.
  assert.match(out, /^0\n?$/m);
});

test('root run without a deployment uses a temporary checkout, removed afterwards', () => {
  const out = assertScenario(`
    H root run deploy-b --prefix $P -- /bin/sh -c 'cat /etc/x; ls /proc/self > /dev/null && echo proc; touch /tmp/t && echo tmp'
    ls -A ${join('$W', 'repo', 'hacktree', 'tmp')} | wc -l
  `);
  assert.match(out, /^b\nproc\ntmp\n0$/m);
});

for (const failpoint of ['deploy-after-checkout', 'deploy-after-state', 'deploy-after-mount', 'deploy-gc', 'deploy-cleanup']) {
  test(`a deploy killed at ${failpoint}: the root is the old or new one, complete; fsck clean; the next deploy cleans up`, () => {
    // deploy-cleanup is reached by the deploy after the killed one, when it removes leftovers.
    // A (a full checkout), B (a layer over it), A (that checkout again), then B, killed: a new
    // layer over A's checkout is made and the first layer is garbage-collected.
    const killed = failpoint === 'deploy-cleanup' ? 'deploy-after-checkout' : failpoint;
    const out = assertScenario(`${ASSERT_COMPLETE}
      H root checkout $N --prefix $P --commit $A -q
      H root checkout $N --prefix $P --commit $B -q
      H root checkout $N --prefix $P --commit $A -q
      set +e
      HACKTREE_FAILPOINT=${killed} H root checkout $N --prefix $P --commit $B -q; echo "killed=$?"
      ${failpoint === 'deploy-cleanup' ? 'HACKTREE_FAILPOINT=deploy-cleanup H root checkout $N --prefix $P --commit $A -q; echo "killed2=$?"' : ''}
      set -e
      complete
      test "$(mounts)" = 1
      H fsck --prefix $P -q
      H root checkout $N --prefix $P --commit $B -q
      complete
      test "$(cat $P/root-$N/etc/x)" = b
      test "$(mounts)" = 1
      ls -A $P/.real/root-$N | grep -v -c -e state.json -e '^20' || true
      ls -A $P/.real/root-$N | wc -l
      ls -A $P/.real
      H fsck --prefix $P
    `);
    assert.match(out, /^killed=137$/m);
    if (failpoint === 'deploy-cleanup') assert.match(out, /^killed2=137$/m);
    // Only state.json and two deployments remain; the root's lock is gone.
    assert.match(out, /^0\n3\nroot-1\.0-runtime-opt-x86_64\n/m);
    assert.match(out, /, 2 deployments: 0 problems/);
  });
}

test('a rollback or undeploy killed after its state write is finished by the next command', () => {
  const out = assertScenario(`${ASSERT_COMPLETE}
    H root checkout $N --prefix $P --commit $A -q
    H root checkout $N --prefix $P --commit $B -q
    set +e
    HACKTREE_FAILPOINT=rollback-after-state H root rollback $N --prefix $P; echo "killed=$?"
    set -e
    complete
    test "$(cat $P/root-$N/etc/x)" = b
    H root mount --all --prefix $P
    test "$(cat $P/root-$N/etc/x)" = a
    test "$(mounts)" = 1
    set +e
    HACKTREE_FAILPOINT=undeploy-after-state H root undeploy $N --prefix $P; echo "killed=$?"
    set -e
    complete
    H root status --prefix $P
    H root undeploy $N --prefix $P
    test "$(mounts)" = 0
    test ! -e $P/root-$N
    test -z "$(ls -A $P/.real)"
  `);
  assert.equal(out.match(/^killed=137$/gm)?.length, 2, out);
  assert.match(out, /^mounted 1\.0-runtime-opt-x86_64 at /m);
  assert.match(out, /no deployed roots/);
});

test('fsck reports a deployed file edited, re-moded or removed through .real, by path', () => {
  const out = assertScenario(`
    cp -a $W/repo $W/repo-damaged
    H() { node ${hacktreeBin} --repo $W/repo-damaged "$@"; }
    H root checkout $N --prefix $P --commit $A -q
    D=$(ls -d $P/.real/root-$N/20*)
    echo edited >> $D/etc/x
    rm $D/etc/issue
    touch $D/etc/extra
    chmod 600 $D/etc/issue.net
    set +e
    H fsck --prefix $P; echo "fsck=$?"
  `);
  assert.match(out, /^fsck=11$/m);
  assert.match(out, /checkout-drift\t\S+\/etc\/x\tedited in place/);
  assert.match(out, /checkout-drift\t\S+\/etc\/issue\tmissing/);
  assert.match(out, /checkout-drift\t\S+\/etc\/extra\tnot in the commit/);
  assert.match(out, /checkout-drift\t\S+\/etc\/issue.net\tmode 600, the commit has 644/);
  assert.match(out, /raw-corrupt\t/);
});

test('bad input: unknown root, missing prefix, a file as prefix, an occupied public path, a non-root user', () => {
  const out = scenario(`
    set +e
    H root checkout no-such-root --prefix $P; echo "unknown=$?"
    H root checkout $N --prefix $P/missing; echo "missing=$?"
    touch $P/file; H root checkout $N --prefix $P/file; echo "file=$?"
    mkdir -p $P/root-$N; touch $P/root-$N/mine
    H root checkout $N --prefix $P; echo "occupied=$?"
    test "$(ls $P/root-$N)" = mine && echo "untouched"
    H root rollback $N --prefix $P; echo "rollback=$?"
    setpriv --reuid=65534 --regid=65534 --clear-groups node ${hacktreeBin} --repo $W/repo root checkout $N --prefix $P; echo "nonroot=$?"
  `);
  const text = out.stdout + out.stderr;
  assert.match(text, /error\[REF_NOT_FOUND\]: no root named "no-such-root"/);
  assert.match(text, /^unknown=4$/m);
  assert.match(text, /error\[PREFIX_INVALID\]: the deployment prefix \S+\/missing does not exist/);
  assert.match(text, /mkdir -p/);
  assert.match(text, /^missing=6$/m);
  assert.match(text, /error\[PREFIX_INVALID\]: the deployment prefix \S+\/file is not a directory/);
  assert.match(text, /error\[PATH_OCCUPIED\]: \S+ is a directory that hacktree did not make/);
  assert.match(text, /^occupied=8$/m);
  assert.match(text, /^untouched$/m);
  assert.match(text, /error\[NOT_DEPLOYED\]/);
  assert.match(text, /error\[NOT_PERMITTED\]: deploying a root mounts it, which needs root/);
  assert.match(text, /hacktree checkout REF DEST/);
  assert.match(text, /^nonroot=13$/m);
});
