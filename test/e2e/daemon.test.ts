import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { packDir } from '../helpers/debRoot.js';
import { assertRepoUnchanged, snapshotRepoState } from '../helpers/repoState.js';
import { assertOk, makeDaemonWorld, ROOT, startTestDaemon, type DaemonWorld, type TestDaemon } from '../helpers/daemonHarness.js';

// The daemon as its users meet it: the real `hacktree daemon` on a temporary socket, in a private
// mount namespace, and the CLI run as users the test makes (a developer in the daemon's group, an
// outsider), whose root commands go through it.
let world: DaemonWorld;
let daemon: TestDaemon;
let socket: string;
const alphaFile = () => readFileSync(world.inside(join(world.publicPath, 'usr/share/alpha/file')), 'utf8');
const ids = (text: string) => text.replace(/[0-9a-f]{40}/g, 'OID').replace(/\d{8}T\d{6}Z-[0-9a-f]{12}/g, 'DEPLOYMENT').replace(/"deployedAt": "[^"]+"/g, '"deployedAt": "T"');

before(async () => {
  world = makeDaemonWorld('daemon');
  socket = join(world.work, 'daemon.sock');
  daemon = await startTestDaemon(world, socket);
  // Root may use the daemon too: the first deployment goes through it.
  assertOk(await world.asUser('root', socket, ['root', 'checkout', ROOT, '-q'], { HACKTREE_DAEMON: '1' }), 'root checkout through the daemon');
  assert.equal(alphaFile(), 'alpha 1\n');
});
after(async () => {
  await daemon?.stop();
  world?.cleanUp();
});

function fsckClean(): void {
  const fsck = world.direct(['fsck', '--prefix', world.prefix]);
  assert.equal(fsck.status, 0, `fsck: ${fsck.stdout}${fsck.stderr}`);
}

test('a developer in the group installs a local artifact, reads status and resets through the daemon, printing what the direct path prints', async () => {
  const dev = world.developer;
  // The root as a developer names it, by its public path (which also says the prefix).
  const installed = await world.asUser(dev, socket, ['root', 'install-local', world.localAlpha], { HACKTREE_ROOT: world.publicPath });
  assertOk(installed, 'install-local as the developer');
  assert.match(installed.stdout, /\(new local branch\): installed alpha-runtime,b=opt,o=local/);
  assert.equal(alphaFile(), 'alpha local\n');
  assert.ok(readFileSync(world.inside(join(world.publicPath, 'usr/share/beta/file')), 'utf8') === 'beta 1\n');

  // status: the same text and JSON as root's direct command, which reads the same deployment.
  for (const flags of [[], ['--json'], [ROOT]]) {
    const viaDaemon = await world.asUser(dev, socket, ['root', 'status', ...flags]);
    const direct = world.direct(['root', 'status', ...flags]);
    assertOk(viaDaemon, `status ${flags.join(' ')} through the daemon`);
    assert.equal(viaDaemon.stdout, direct.stdout);
  }
  // root local: a read the group does through the daemon (the repository is root's to read).
  for (const flags of [[], ['--json']]) {
    const local = await world.asUser(dev, socket, ['root', 'local', ROOT, ...flags]);
    assertOk(local, `root local ${flags.join(' ')} through the daemon`);
    assert.equal(local.stdout, world.direct(['root', 'local', ROOT, ...flags]).stdout);
  }
  assert.match(daemon.log(), new RegExp(`uid ${dev.uid} local: done`));
  // Without the daemon, the developer could not read the deployment state at all.
  const withoutDaemon = await world.asUser(dev, socket, ['root', 'status'], { HACKTREE_DAEMON: '0' });
  assert.notEqual(withoutDaemon.status, 0);

  const update = await world.asUser(dev, socket, ['root', 'update', ROOT]);
  assertOk(update, 'update as the developer');
  assert.match(update.stdout, new RegExp(`^local/root-${ROOT} [0-9a-f]{40}: already built on master [0-9a-f]{12}\\n`));

  const reset = await world.asUser(dev, socket, ['root', 'reset', ROOT]);
  assertOk(reset, 'reset as the developer');
  assert.match(reset.stdout, new RegExp(`^dropped local/root-${ROOT} \\(was [0-9a-f]{40}\\); root-${ROOT} is [0-9a-f]{40}\\nredeployed master at ${world.prefix}\\n$`));
  assert.equal(alphaFile(), 'alpha 1\n');

  // A failure prints the same error and exits with the same status both ways.
  const again = await world.asUser(dev, socket, ['root', 'reset', ROOT]);
  const againDirect = world.direct(['root', 'reset', ROOT]);
  assert.equal(again.status, 4);
  assert.equal(again.status, againDirect.status);
  assert.equal(again.stderr, againDirect.stderr);
  assert.match(again.stderr, /^hacktree: error\[REF_NOT_FOUND\]: root 1\.0-runtime-opt-x86_64 has no local branch/);
  const againJson = await world.asUser(dev, socket, ['root', 'reset', ROOT, '--json']);
  assert.equal(againJson.stdout, world.direct(['root', 'reset', ROOT, '--json']).stdout);

  // install-local's text as root's direct command prints it, ids aside (a new commit each time).
  const direct = world.direct(['root', 'install-local', world.localAlpha, '--root', ROOT]);
  assertOk(direct, 'install-local as root');
  assertOk(world.direct(['root', 'reset', ROOT, '-q']), 'reset as root');
  assert.equal(ids(installed.stdout), ids(direct.stdout));
  fsckClean();
});

test('a user outside the group is refused with an error naming the operation, the user and the group; nothing changes', async () => {
  const out = world.outsider;
  const before = snapshotRepoState(world.repo);
  const refused = await world.asUser(out, socket, ['root', 'install-local', world.localAlpha, '--root', ROOT]);
  assert.equal(refused.status, 13);
  assert.equal(refused.stdout, '');
  assert.equal(
    refused.stderr.split('\n')[0],
    `hacktree: error[DAEMON_REFUSED]: user ${out.name} (uid ${out.uid}) may not run install-local through the daemon: it needs root or a member of group ${world.group}`,
  );
  assert.match(refused.stderr, new RegExp(`hint: an admin adds ${out.name} to group ${world.group} \\(usermod -aG ${world.group} ${out.name}`));
  const json = await world.asUser(out, socket, ['root', 'reset', ROOT, '--json']);
  assert.equal(json.status, 13);
  assert.equal((JSON.parse(json.stdout) as { error: { code: string; data: { operation: string } } }).error.data.operation, 'reset');
  assertRepoUnchanged(before, snapshotRepoState(world.repo));
  assert.equal(alphaFile(), 'alpha 1\n');
  const local = await world.asUser(out, socket, ['root', 'local', ROOT]);
  assert.equal(local.status, 13);
  assert.match(local.stderr, new RegExp(`^hacktree: error\\[DAEMON_REFUSED\\]: user ${out.name} \\(uid ${out.uid}\\) may not run local through the daemon: it needs root or a member of group ${world.group}\n`));
  // Anyone may read status.
  const status = await world.asUser(out, socket, ['root', 'status']);
  assertOk(status, 'status as the outsider');
  assert.equal(status.stdout, world.direct(['root', 'status']).stdout);
  // Deploying stays root's, also for the group.
  const checkout = await world.asUser(world.developer, socket, ['root', 'checkout', ROOT]);
  assert.equal(checkout.status, 13);
  assert.match(checkout.stderr, /may not run checkout through the daemon: it needs root\n {2}hint: run it as root/);
  assertRepoUnchanged(before, snapshotRepoState(world.repo));
  fsckClean();
});

test('a member reads the repository through the daemon as root reads it directly (cat byte for byte); an outsider is refused; nothing changes', async () => {
  const dev = world.developer;
  // A local component with a binary file: the diff has something to say, and cat bytes to carry.
  const dir = join(world.work, 'local-blob');
  mkdirSync(join(dir, 'usr/share/alpha'), { recursive: true });
  const blob = Buffer.from([...Array.from({ length: 256 }, (_, i) => i), 0xc3, 0x28, 0xff, 0x00]);
  writeFileSync(join(dir, 'usr/share/alpha/blob'), blob);
  writeFileSync(join(dir, 'usr/share/alpha/file'), 'alpha blob\n');
  const artifact = packDir(dir, { name: 'alpha', version: '2', out: join(world.work, 'local-blob-out'), origin: 'local' });
  chmodSync(join(world.work, 'local-blob-out'), 0o755);
  assertOk(await world.asUser(dev, socket, ['root', 'install-local', artifact, '--root', ROOT, '-q']), 'install-local as the developer');
  const before = snapshotRepoState(world.repo);
  const local = `local/root-${ROOT}`;
  const reads = [
    ['root', 'list'], ['root', 'ls', ROOT], ['root', 'ls', local, '/usr/share', '-R'], ['root', 'cat', local, '/usr/share/alpha/file'],
    ['root', 'log', local, '-n', '2'], ['root', 'diff', ROOT, local], ['root', 'show', local], ['root', 'blame', local, '/usr/share'],
    ['artifact', 'list'],
    // Failures too: the same error and exit status both ways.
    ['root', 'cat', local, '/usr/share/nothing'], ['root', 'ls', 'no-such-root'],
  ].flatMap((read) => [read, [...read, '--json']]);
  // Reads run at once in the daemon: all of them together.
  const viaDaemon = await Promise.all(reads.map((read) => world.asUser(dev, socket, read)));
  reads.forEach((read, i) => {
    const direct = world.direct(read);
    const via = viaDaemon[i]!;
    assert.equal(via.status, direct.status, `${read.join(' ')}: ${via.stderr}`);
    assert.equal(via.stdout, direct.stdout, read.join(' '));
    assert.equal(via.stderr, direct.stderr, read.join(' '));
    if (i >= reads.length - 4) assert.notEqual(via.status, 0, `${read.join(' ')} fails`);
    else assertOk(via, read.join(' '));
  });
  assert.match(viaDaemon[reads.findIndex((r) => r[1] === 'diff')]!.stdout, /^A \/usr\/share\/alpha\/blob$/m);
  assert.match(daemon.log(), new RegExp(`uid ${dev.uid} cat: done`));
  // A binary file, byte for byte: as stored, as root's direct cat writes it; --json as base64.
  const cat = ['root', 'cat', local, '/usr/share/alpha/blob'];
  const [bytes, json] = await Promise.all([world.asUser(dev, socket, cat), world.asUser(dev, socket, [...cat, '--json'])]);
  assertOk(bytes, 'cat of a binary file');
  assert.ok(bytes.bytes.equals(blob));
  assert.ok(bytes.bytes.equals(world.direct(cat).bytes));
  assert.equal(json.stdout, world.direct([...cat, '--json']).stdout);
  assert.equal((JSON.parse(json.stdout) as { content: string }).content, blob.toString('base64'));

  // Outside the group: each read refused, naming it.
  const out = world.outsider;
  const ops: Array<[string, string[]]> = [
    ['list', ['root', 'list']], ['ls', ['root', 'ls', ROOT]], ['cat', cat], ['log', ['root', 'log', ROOT]], ['diff', ['root', 'diff', ROOT, local]],
    ['show', ['root', 'show', ROOT]], ['blame', ['root', 'blame', ROOT, '/']], ['artifact-list', ['artifact', 'list']],
  ];
  const refused = await Promise.all(ops.map(([, args]) => world.asUser(out, socket, args)));
  ops.forEach(([op], i) => {
    assert.equal(refused[i]!.status, 13, `${op}: ${refused[i]!.stderr}`);
    assert.equal(refused[i]!.stdout, '');
    assert.match(refused[i]!.stderr, new RegExp(`^hacktree: error\\[DAEMON_REFUSED\\]: user ${out.name} \\(uid ${out.uid}\\) may not run ${op} through the daemon: it needs root or a member of group ${world.group}\n`));
  });
  assertRepoUnchanged(before, snapshotRepoState(world.repo));
  assertOk(world.direct(['root', 'reset', ROOT, '-q']), 'reset');
  fsckClean();
});

test('a config file the user may not read is NOT_PERMITTED naming it, not an internal error', async () => {
  const etc = join(world.work, 'etc-private');
  (await import('node:fs')).mkdirSync(etc, { mode: 0o700 });
  (await import('node:fs')).writeFileSync(join(etc, 'hacktree.conf'), `prefix = ${world.prefix}\n`);
  const refused = await world.asUser(world.developer, socket, ['root', 'status'], { HACKTREE_CONFIG: join(etc, 'hacktree.conf'), HACKTREE_PREFIX: '' });
  assert.equal(refused.status, 13, refused.stderr);
  assert.match(refused.stderr, new RegExp(`^hacktree: error\\[NOT_PERMITTED\\]: cannot read hacktree's config file ${join(etc, 'hacktree.conf')}: permission denied\n {2}hint: make it readable by every user`));
  assert.doesNotMatch(refused.stderr, /INTERNAL/);
});

test('a developer cannot make the daemon read a file it may not read itself', async () => {
  const secret = join(world.work, 'secret');
  const hidden = join(secret, 'alpha-runtime,b=opt,o=local,r=1.0-opt-x86_64,v=1,.tar.gz');
  (await import('node:fs')).mkdirSync(secret, { mode: 0o700 });
  copyFileSync(world.localAlpha, hidden);
  chmodSync(hidden, 0o600);
  const before = snapshotRepoState(world.repo);
  const refused = await world.asUser(world.developer, socket, ['root', 'install-local', hidden, '--root', ROOT]);
  assert.equal(refused.status, 13);
  assert.match(refused.stderr, new RegExp(`error\\[DAEMON_REFUSED\\]: install-local: the caller \\(uid ${world.developer.uid}\\) may not read ${hidden.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(no search permission on ${secret}\\)`));
  assertRepoUnchanged(before, snapshotRepoState(world.repo));
});

test('20 clients at once, reads and writes mixed: each gets its answer, the writes run one at a time, fsck is clean', async () => {
  const logBefore = daemon.log().length;
  const clients = Array.from({ length: 20 }, (_, i) => {
    const user = [world.developer, world.outsider, 'root' as const][i % 3]!;
    if (i % 2 === 0) return { kind: 'status', user, run: world.asUser(user, socket, ['root', 'status', '--json'], { HACKTREE_DAEMON: '1' }) };
    const artifact = i % 4 === 1 ? world.localAlpha : world.localBeta;
    return { kind: 'write', user, run: world.asUser(user, socket, ['root', 'install-local', artifact, '--root', ROOT, '--json'], { HACKTREE_DAEMON: '1' }) };
  });
  const results = await Promise.all(clients.map((c) => c.run));
  let writes = 0;
  clients.forEach((client, i) => {
    const result = results[i]!;
    if (client.kind === 'status') {
      assertOk(result, `client ${i} status`);
      const roots = JSON.parse(result.stdout) as Array<{ root: string; published: boolean }>;
      assert.deepEqual(roots.map((r) => [r.root, r.published]), [[ROOT, true]]);
    } else if (client.user === world.outsider) {
      assert.equal(result.status, 13, `client ${i}: ${result.stderr}`);
      assert.match(result.stdout, /"code": "DAEMON_REFUSED"/);
    } else {
      assertOk(result, `client ${i} install-local`);
      const answer = JSON.parse(result.stdout) as { branch: string; installed: string[] };
      assert.equal(answer.branch, `local/root-${ROOT}`);
      writes++;
    }
  });
  // Serialized: in the daemon's log, every write that starts is done before the next starts.
  const lines = daemon.log().slice(logBefore).split('\n').filter((l) => /install-local: (started|done|error)/.test(l));
  assert.equal(lines.length, writes * 2);
  lines.forEach((line, i) => assert.match(line, i % 2 === 0 ? /: started$/ : /: done$/, lines.join('\n')));
  assert.equal(alphaFile(), 'alpha local\n');
  assert.equal(readFileSync(world.inside(join(world.publicPath, 'usr/share/beta/file')), 'utf8'), 'beta local\n');
  fsckClean();
  assertOk(world.direct(['root', 'reset', ROOT, '-q']), 'reset');
});

test('the daemon killed (SIGKILL) in the middle of an install-local: the published root is old or new, complete; the restarted daemon cleans up; fsck is clean', async () => {
  const crashSocket = join(world.work, 'crash.sock');
  for (const failpoint of ['install-local-after-commit', 'deploy-after-checkout', 'deploy-after-state']) {
    const crashing = await startTestDaemon(world, crashSocket, { env: { HACKTREE_FAILPOINT: failpoint } });
    const killed = await world.asUser(world.developer, crashSocket, ['root', 'install-local', world.localAlpha, '--root', ROOT]);
    assert.equal((await crashing.exited).signal, 'SIGKILL', failpoint);
    assert.equal(killed.status, 21, `${failpoint}: ${killed.stderr}`);
    assert.match(killed.stderr, /error\[DAEMON_UNAVAILABLE\]: the daemon at .* closed the connection before the operation's result/);
    const published = alphaFile();
    assert.ok(published === 'alpha 1\n' || published === 'alpha local\n', `${failpoint}: ${published}`);
    const other = world.inside(join(world.publicPath, 'usr/share/alpha/other'));
    assert.equal(readdirSync(join(other, '..')).includes('other'), published === 'alpha 1\n', `${failpoint}: complete`);
    // The next daemon (its stale socket replaced) cleans up and serves.
    const restarted = await startTestDaemon(world, crashSocket);
    const deployDir = world.inside(join(world.prefix, '.real', `root-${ROOT}`));
    assert.deepEqual(readdirSync(deployDir).filter((e) => e.startsWith('.')), [], `${failpoint}: no staging left`);
    fsckClean();
    assertOk(await world.asUser(world.developer, crashSocket, ['root', 'install-local', world.localAlpha, '--root', ROOT, '-q']), 'install-local again');
    assert.equal(alphaFile(), 'alpha local\n');
    assertOk(await world.asUser(world.developer, crashSocket, ['root', 'reset', ROOT, '-q']), 'reset');
    await restarted.stop();
  }
  fsckClean();
});
