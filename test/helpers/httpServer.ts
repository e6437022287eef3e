import { createReadStream, createWriteStream, mkdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { dirname, join, normalize } from 'node:path';

/** What the server does for a path instead of serving the file. */
export type Misbehavior =
  | { status: number }
  | { truncateAt: number }
  | { body: Buffer | string }
  | { redirectTo: string }
  /** Accept the request and never answer (for timeouts). */
  | { stall: true };

export interface TestHttpServer {
  /** http://127.0.0.1:PORT, or https:// with `tls` (no trailing slash). */
  url: string;
  port: number;
  /** Every request's path, in order. */
  requests: string[];
  /** The most requests the server was answering at once. */
  maxInFlight(): number;
  /** How many requests asked for `path` (every request when omitted). */
  requestCount(path?: string): number;
  /** From now on answer `path` (`*`: every path) this way, until clear(). */
  misbehave(path: string, how: Misbehavior): void;
  /** Back to serving the directory faithfully. */
  clear(): void;
  close(): Promise<void>;
}

/**
 * A real HTTP(S) server on 127.0.0.1 (a free port) serving the files of `root` by path, which a
 * test can make answer a status, cut a response short (its Content-Length announcing the full
 * size), serve other bytes, redirect, or never answer; with `allowPut` it stores PUT bodies.
 * close() ends open connections too.
 */
export interface HttpServerOptions {
  /** Listen on this port (a test that first saw it refused); default a free one. */
  port?: number;
  /** Store PUT bodies under root (as a cache server would); otherwise PUT is 405. */
  allowPut?: boolean;
  /** Serve HTTPS with this key and certificate chain (PEM). */
  tls?: { key: string; cert: string };
}

export async function startHttpServer(root: string, options: HttpServerOptions = {}): Promise<TestHttpServer> {
  const requests: string[] = [];
  const misbehaviors = new Map<string, Misbehavior>();
  const sockets = new Set<Socket>();
  const inFlight = { now: 0, max: 0 };
  const handler: RequestListener = (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    requests.push(path);
    inFlight.max = Math.max(inFlight.max, ++inFlight.now);
    response.on('close', () => inFlight.now--);
    const how = misbehaviors.get(path) ?? misbehaviors.get('*');
    if (how && 'stall' in how) return;
    if (request.method === 'PUT') {
      receiveFile(root, path, request, response, options.allowPut === true);
      return;
    }
    if (how && 'redirectTo' in how) {
      response.writeHead(302, { location: how.redirectTo }).end();
      return;
    }
    if (how && 'status' in how) {
      response.writeHead(how.status, { 'content-type': 'text/plain' }).end(`status ${how.status}\n`);
      return;
    }
    if (how && 'body' in how) {
      const body = Buffer.from(how.body);
      response.writeHead(200, { 'content-length': body.length }).end(body);
      return;
    }
    serveFile(root, path, response, how && 'truncateAt' in how ? how.truncateAt : undefined);
  };
  const server: Server = options.tls ? createTlsServer(options.tls, handler) : createServer(handler);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    maxInFlight: () => inFlight.max,
    requestCount: (path) => (path === undefined ? requests.length : requests.filter((each) => each === path).length),
    misbehave: (path, how) => void misbehaviors.set(path, how),
    clear: () => misbehaviors.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function receiveFile(root: string, path: string, request: IncomingMessage, response: ServerResponse, allowed: boolean): void {
  if (!allowed) {
    request.resume();
    response.writeHead(405, { 'content-type': 'text/plain' }).end('PUT not allowed\n');
    return;
  }
  const file = safeJoin(root, path);
  mkdirSync(dirname(file), { recursive: true });
  const out = createWriteStream(file);
  request.pipe(out);
  out.on('finish', () => response.writeHead(201).end());
  out.on('error', () => response.writeHead(500).end());
}

function safeJoin(root: string, path: string): string {
  return join(root, normalize(path).replace(/^(\.\.(\/|$))+/, ''));
}

function serveFile(root: string, path: string, response: ServerResponse, truncateAt: number | undefined): void {
  const file = safeJoin(root, path);
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  response.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
  if (truncateAt === undefined) {
    createReadStream(file).pipe(response);
    return;
  }
  const cut = createReadStream(file, { start: 0, end: Math.max(0, truncateAt - 1) });
  cut.on('data', (chunk) => response.write(chunk));
  // Close the connection mid-body: the client sees fewer bytes than Content-Length announced.
  cut.on('end', () => response.socket?.destroy());
}

/** A port nothing listens on (bound, then closed), for "connection refused". */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
