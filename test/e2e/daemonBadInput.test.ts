import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { hacktreeBin } from '../helpers/cli.js';
import { answerLines, assertOk, daemonRequest, makeDaemonWorld, ROOT, run, startTestDaemon, type DaemonWorld, type TestDaemon } from '../helpers/daemonHarness.js';
import { assertRepoUnchanged, snapshotRepoState } from '../helpers/repoState.js';

// What a daemon must survive: malformed, oversized and unknown requests, a client that sends half
// a request and hangs, and socket paths it must not take; and how systemd starts it.
let world: DaemonWorld;
let daemon: TestDaemon;
let socket: string;

before(async () => {
  world = makeDaemonWorld('dbad');
  socket = join(world.work, 'daemon.sock');
  daemon = await startTestDaemon(world, socket, { args: ['--request-timeout', '1'] });
  assertOk(world.direct(['root', 'checkout', ROOT, '-q']), 'checkout');
});
after(async () => {
  await daemon?.stop();
  world?.cleanUp();
});

async function stillServes(): Promise<void> {
  const status = await daemonRequest(socket, 'POST', '/v1/operations/status', '{"args":{}}');
  assert.equal(status.status, 200);
  const lines = answerLines(status.body);
  assert.equal((lines.at(-1)!.result as Array<{ root: string }>)[0]!.root, ROOT);
}

function errorOf(body: string): { code: string; message: string; hint: string; status: number } {
  return (JSON.parse(body) as { error: { code: string; message: string; hint: string; status: number } }).error;
}

test('malformed, oversized, unknown and ill-typed requests each get an HTTP error with a JSON error; the daemon serves on', async () => {
  const before = snapshotRepoState(world.repo);
  const cases: Array<[method: string, path: string, body: string | undefined, status: number, message: RegExp]> = [
    ['POST', '/v1/operations/reset', '{"args": {"name": ', 400, /^the request's body is not JSON: /],
    ['POST', '/v1/operations/reset', '[1, 2]', 400, /^the request's body must be a JSON object$/],
    ['POST', '/v1/operations/reset', JSON.stringify({ args: { name: 'x'.repeat(70 * 1024) } }), 413, /^the request's body is larger than 65536 bytes$/],
    ['GET', '/v1/nothing', undefined, 404, /^no endpoint GET \/v1\/nothing$/],
    ['POST', '/v1/operations/explode', '{}', 404, /^no operation "explode"$/],
    ['GET', '/v1/operations/status', undefined, 405, /^GET is not allowed on \/v1\/operations\/status$/],
    ['POST', '/v1/operations/reset', '{"args": {"name": 7}}', 400, /^reset: argument "name" must be a string, not 7$/],
    ['POST', '/v1/operations/reset', '{"args": {"name": "a", "force": true}}', 400, /^reset: unknown argument "force"$/],
    ['POST', '/v1/operations/reset', '{"args": {}}', 400, /^reset: argument "name" is required$/],
    ['POST', '/v1/operations/reset', `{"args": {"name": "${ROOT}", "prefix": "/elsewhere"}}`, 400, new RegExp(`^reset: this daemon deploys under ${world.prefix}, not /elsewhere$`)],
    ['POST', '/v1/operations/reset', `{"repo": "/elsewhere", "args": {"name": "${ROOT}"}}`, 400, new RegExp(`^reset: this daemon serves the repository ${world.repo}, not /elsewhere$`)],
    ['POST', '/v1/operations/upgrade', `{"args": {"name": "${ROOT}", "due": "yes"}}`, 400, /^upgrade: argument "due" must be a boolean, not "yes"$/],
  ];
  for (const [method, path, body, status, message] of cases) {
    const answer = await daemonRequest(socket, method, path, body);
    assert.equal(answer.status, status, `${method} ${path}: ${answer.body}`);
    assert.equal(answer.type, 'application/json');
    const error = errorOf(answer.body);
    assert.equal(error.code, 'DAEMON_REQUEST_INVALID', answer.body);
    assert.equal(error.status, 6);
    assert.match(error.message, message);
    assert.ok(error.hint.length > 0);
    await stillServes();
  }
  assertRepoUnchanged(before, snapshotRepoState(world.repo));
});

test('a client that sends half a request and hangs is cut off with 408 after the request timeout; others are served meanwhile', async () => {
  const half = connect(socket);
  let answer = '';
  half.on('data', (d) => (answer += String(d)));
  const closed = new Promise<void>((resolve) => half.on('close', () => resolve()));
  half.write('POST /v1/operations/status HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"args"');
  const headersOnly = connect(socket);
  const headersClosed = new Promise<void>((resolve) => headersOnly.on('close', () => resolve()));
  headersOnly.on('data', () => {});
  headersOnly.write('GET /v1/version HTTP/1.1\r\nHost: x\r\n');
  await stillServes();
  await closed;
  await headersClosed;
  assert.match(answer, /^HTTP\/1\.1 408 /);
  await stillServes();
});

/** Sends an operation and collects its answer's lines as they come. */
function streamOperation(operation: string, args: Record<string, unknown>): { lines: Array<Record<string, unknown>>; done: Promise<void> } {
  const lines: Array<Record<string, unknown>> = [];
  const done = new Promise<void>((resolve, reject) => {
    const req = request({ socketPath: socket, method: 'POST', path: `/v1/operations/${operation}` }, (res) => {
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        pending += chunk;
        for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
          lines.push(JSON.parse(pending.slice(0, nl)) as Record<string, unknown>);
          pending = pending.slice(nl + 1);
        }
      });
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ args }));
  });
  return { lines, done };
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 2400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(check(), what);
}

test('writes queue in arrival order and are told their position; a read runs at once meanwhile', async () => {
  // The repository's lock held by this test: the first write starts and waits on it, holding the queue.
  const lock = join(world.repo, 'hacktree', 'lock');
  writeFileSync(lock, `${process.pid}\n`);
  const logBefore = daemon.log().length;
  try {
    const first = streamOperation('install-local', { artifacts: [world.localAlpha], root: ROOT });
    await until('the first write started', () => first.lines.some((l) => 'started' in l));
    const second = streamOperation('install-local', { artifacts: [world.localBeta], root: ROOT });
    await until('the second write was queued', () => second.lines.length > 0);
    assert.deepEqual(second.lines[0], { queued: { position: 1 } });
    assert.deepEqual(first.lines[0], { queued: { position: 0 } });
    await stillServes();
    assert.ok(!second.lines.some((l) => 'started' in l), 'the second write waits for the first');
    rmSync(lock);
    await Promise.all([first.done, second.done]);
    assert.deepEqual(second.lines.slice(0, 3), [{ queued: { position: 1 } }, { queued: { position: 0 } }, { started: { operation: 'install-local' } }]);
    for (const answer of [first, second]) assert.equal((answer.lines.at(-1)!.result as { branch: string }).branch, `local/root-${ROOT}`);
    const order = daemon.log().slice(logBefore).split('\n').filter((l) => /install-local: (started|done)/.test(l));
    assert.deepEqual(order.map((l) => l.replace(/.*install-local: /, '')), ['started', 'done', 'started', 'done']);
  } finally {
    rmSync(lock, { force: true });
  }
  assertOk(world.direct(['root', 'reset', ROOT, '-q']), 'reset');
  const fsck = world.direct(['fsck', '--prefix', world.prefix]);
  assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
});

test('a client that disconnects once its install-local started does not stop it: it completes', async () => {
  const alpha = () => readFileSync(world.inside(join(world.publicPath, 'usr/share/alpha/file')), 'utf8');
  assert.equal(alpha(), 'alpha 1\n');
  const logBefore = daemon.log().length;
  await new Promise<void>((resolve, reject) => {
    const req = request({ socketPath: socket, method: 'POST', path: '/v1/operations/install-local' }, (res) => {
      res.on('data', (chunk) => {
        // Gone as soon as the operation started.
        if (String(chunk).includes('"started"')) {
          req.destroy();
          resolve();
        }
      });
    });
    req.on('error', (err) => (err.message === 'socket hang up' || (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)));
    req.end(JSON.stringify({ args: { artifacts: [world.localAlpha], root: ROOT } }));
  });
  for (let i = 0; i < 2400 && !/install-local: (done|error)/.test(daemon.log().slice(logBefore)); i++) await new Promise((r) => setTimeout(r, 25));
  assert.match(daemon.log().slice(logBefore), /uid 0 install-local: done/);
  assert.equal(alpha(), 'alpha local\n');
  assertOk(world.direct(['root', 'reset', ROOT, '-q']), 'reset');
  assert.equal(alpha(), 'alpha 1\n');
  const fsck = world.direct(['fsck', '--prefix', world.prefix]);
  assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
});

test('a socket path that is a regular file, or a live daemon\'s socket, is refused and nothing is removed', async () => {
  const file = join(world.work, 'not-a-socket');
  writeFileSync(file, 'precious\n');
  const env = { ...process.env, HACKTREE_REPO: world.repo, HACKTREE_PREFIX: world.prefix };
  const daemonIn = (sock: string) => ['-t', String(world.holder.pid), '-m', '--', process.execPath, hacktreeBin, 'daemon', '--socket', sock];
  const onFile = await run('nsenter', daemonIn(file), env);
  assert.equal(onFile.status, 8);
  assert.equal(onFile.stderr.split('\n')[0], `hacktree: error[PATH_OCCUPIED]: the daemon's socket path ${file} is a regular file; nothing was removed`);
  assert.equal(readFileSync(file, 'utf8'), 'precious\n');

  const onLive = await run('nsenter', daemonIn(socket), env);
  assert.equal(onLive.status, 8);
  assert.equal(onLive.stderr.split('\n')[0], `hacktree: error[PATH_OCCUPIED]: a daemon already listens on ${socket}; nothing was removed`);
  assert.ok(statSync(socket).isSocket());
  await stillServes();
});

test('without the native addon the daemon refuses to start', async () => {
  const env = { ...process.env, HACKTREE_REPO: world.repo, HACKTREE_PREFIX: world.prefix, HACKTREE_NATIVE: '0' };
  const sock = join(world.work, 'no-addon.sock');
  const result = await run('nsenter', ['-t', String(world.holder.pid), '-m', '--', process.execPath, hacktreeBin, 'daemon', '--socket', sock], env);
  assert.equal(result.status, 21);
  assert.match(result.stderr, /^hacktree: error\[DAEMON_UNAVAILABLE\]: the daemon needs hacktree's native addon to read its callers' credentials \(SO_PEERCRED\), and it is not loaded: turned off by HACKTREE_NATIVE=0\n/);
  assert.throws(() => statSync(sock), { code: 'ENOENT' });
});

test('socket activation: systemd-socket-activate starts the daemon on the first connection, passing the socket; it exits when idle', async () => {
  const activated = join(world.work, 'activated.sock');
  const env: NodeJS.ProcessEnv = { ...process.env, HACKTREE_REPO: world.repo, HACKTREE_PREFIX: world.prefix };
  const activator = spawn('nsenter', ['-t', String(world.holder.pid), '-m', '--', 'systemd-socket-activate', '--listen', activated, '--setenv=HACKTREE_REPO', '--setenv=HACKTREE_PREFIX',
    process.execPath, hacktreeBin, 'daemon', '--idle-exit', '1', '--group', world.group], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  activator.stderr!.on('data', (d) => (log += String(d)));
  const exited = new Promise<number | null>((resolve) => activator.on('exit', (code) => resolve(code)));
  // The socket exists before any daemon runs: systemd-socket-activate made it.
  for (let i = 0; i < 200 && !exists(activated); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(exists(activated), log);
  // As hacktree.socket's SocketMode=0666 makes it: the daemon authorizes, not the socket's mode.
  chmodSync(activated, 0o666);
  const status = await world.asUser(world.developer, activated, ['root', 'status']);
  assertOk(status, 'status through the activated daemon');
  assert.equal(status.stdout, world.direct(['root', 'status']).stdout);
  assert.equal(await exited, 0, log);
  assert.match(log, /hacktree daemon: listening on the socket systemd passed/);
  assert.match(log, /hacktree daemon: stopping: idle for 1 s/);
});

function exists(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}
