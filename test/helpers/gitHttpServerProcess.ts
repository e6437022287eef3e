// A git smart-HTTP server for tests: node's http server around `git http-backend` (CGI), run as
// its own process (the tests block in spawnSync while hacktree talks to it). Started by
// gitHttpServer.ts with a JSON config as argv[2]; prints its port on stdout. POST /__fault sets
// the fault the next requests meet.
import { spawn, execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

interface Config {
  projectRoot: string;
  users: Record<string, string>;
  /** 'push': authentication on receive-pack only; 'all': on every request. */
  auth: 'push' | 'all';
}

export type Fault =
  | { kind: 'none' }
  | { kind: 'status500' }
  | { kind: 'html' }
  /** The server process dies after sending this many bytes of a pack. */
  | { kind: 'die'; afterBytes: number; base?: number }
  /** Before an upload-pack POST (after `skip` of them: protocol v2 lists refs in the first), `git update-ref` moves `ref` in `repo` to `to`. */
  | { kind: 'moveRef'; repo: string; ref: string; to: string; skip?: number };

const config = JSON.parse(process.argv[2]!) as Config;
let fault: Fault = { kind: 'none' };
const counters = { packBytes: 0, requests: 0 };

function authorized(req: IncomingMessage): string | null {
  const m = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  if (!m) return null;
  const [user, ...rest] = Buffer.from(m[1]!, 'base64').toString('utf8').split(':');
  return user !== undefined && config.users[user] === rest.join(':') ? user : null;
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url!, 'http://x');
  if (url.pathname === '/__fault') {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      fault = JSON.parse(body) as Fault;
      // A death threshold counts from now.
      if (fault.kind === 'die') fault.base = counters.packBytes;
      res.end('ok');
    });
    return;
  }
  if (url.pathname === '/__counters') {
    res.end(JSON.stringify(counters));
    return;
  }
  counters.requests++;
  const isPush = url.pathname.endsWith('/git-receive-pack') || url.searchParams.get('service') === 'git-receive-pack';
  const user = authorized(req);
  if ((isPush || config.auth === 'all') && user === null) {
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="hacktree-test"' });
    res.end('authentication required\n');
    return;
  }
  const isPack = req.method === 'POST' && url.pathname.endsWith('/git-upload-pack');
  if (fault.kind === 'status500') {
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end('internal server error\n');
    return;
  }
  if (fault.kind === 'html' && isPack) {
    res.writeHead(200, { 'Content-Type': 'application/x-git-upload-pack-result' });
    res.end('<!DOCTYPE html><html><body><h1>Welcome to our portal</h1></body></html>\n');
    return;
  }
  if (fault.kind === 'moveRef' && isPack && (fault.skip ?? 0) > 0) fault.skip! -= 1;
  else if (fault.kind === 'moveRef' && isPack) {
    const { repo, ref, to } = fault;
    fault = { kind: 'none' };
    execFileSync('git', [`--git-dir=${repo}`, 'update-ref', ref, to]);
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: config.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method!,
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: '127.0.0.1',
  };
  if (user !== null) env.REMOTE_USER = user;
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
  if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
  if (req.headers['content-length']) env.CONTENT_LENGTH = String(req.headers['content-length']);
  const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  req.pipe(cgi.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) return send(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    send(head.subarray(end + 4));
  });
  cgi.stdout.on('end', () => res.end());
  function send(chunk: Buffer): void {
    if (isPack) counters.packBytes += chunk.length;
    if (fault.kind === 'die' && isPack && counters.packBytes - (fault.base ?? 0) >= fault.afterBytes) {
      res.write(chunk, () => process.kill(process.pid, 'SIGKILL'));
      return;
    }
    res.write(chunk);
  }
}

const server = createServer(handle);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
