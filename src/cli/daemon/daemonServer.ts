import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { unlinkSync } from 'node:fs';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import type { PeerCredentials } from '../../platform/native/nativeAddon.js';
import { readPeerCredentials, requirePeerCredentials } from '../../platform/native/readPeerCredentials.js';
import { hacktreeVersion } from '../hacktreeVersion.js';
import { listenDaemonSocket, type DaemonListener } from './listenDaemonSocket.js';
import type { DaemonScope } from './operationArgs.js';
import { serveOperation, type OperationContext } from './serveOperation.js';
import { toWireError } from './wireError.js';
import { writerQueue } from './writerQueue.js';

export interface DaemonOptions {
  /** Where to listen unless systemd passed a socket (LISTEN_FDS). */
  socket: string;
  scope: DaemonScope;
  /** Members of this group may change local branches (docs/daemon.md). */
  group: string;
  /** Exit after this many seconds with no client and nothing queued; 0: never. */
  idleExitSeconds: number;
  /** A request's headers and body must arrive within this many seconds (a client that sends half a request and hangs). */
  requestTimeoutSeconds: number;
  log: (line: string) => void;
  /**
   * Work the daemon does on its own (running the upgrade policies that are due), through the
   * writer queue like any change: once at start, then again when `run` says it is next due,
   * but at least every `maxSleepSeconds` (a policy set meanwhile is seen then), and at once on
   * RunningDaemon.runPeriodicNow (SIGUSR1). A socket-activated daemon that went idle does it
   * again when next started; hacktree-upgrade.timer covers the time it is not running.
   */
  periodic?: { run: () => Promise<{ nextAt: Date | null }>; maxSleepSeconds: number };
  /**
   * Runs first in the writer queue, once the socket is the daemon's (never on a path it then
   * refuses): what an operation killed with the last daemon left behind is cleaned up before any
   * other write.
   */
  recover?: () => Promise<void>;
}

export interface RunningDaemon {
  listener: DaemonListener;
  /** Resolves once the daemon stopped: idle, or stop(). */
  closed: Promise<void>;
  /** Stops accepting, lets the running and queued operations finish, then closes. */
  stop(reason: string): void;
  /** Queues the periodic work now (unless it is queued already), as its timer would. */
  runPeriodicNow(reason: string): void;
}

/** `hacktree daemon`: HTTP/1.1 and JSON on a Unix socket (docs/daemon-api.yaml). */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  requirePeerCredentials();
  const peers = new WeakMap<Socket, PeerCredentials>();
  const connections = new Set<Socket>();
  const context: OperationContext = { scope: options.scope, group: options.group, queue: writerQueue(), reads: { count: 0 }, log: options.log };
  const timeoutMs = options.requestTimeoutSeconds * 1000;
  const server = createServer({ requestTimeout: timeoutMs, headersTimeout: timeoutMs, connectionsCheckingInterval: Math.min(1000, timeoutMs) }, (req, res) => {
    const peer = peers.get(req.socket);
    if (peer === undefined) return void res.destroy();
    void handle(req, res, peer).finally(checkIdle);
  });

  const handle = async (req: IncomingMessage, res: ServerResponse, peer: PeerCredentials): Promise<void> => {
    try {
      const url = new URL(req.url ?? '/', 'http://hacktree');
      const operation = /^\/v1\/operations\/([a-z-]+)$/.exec(url.pathname)?.[1];
      if (operation !== undefined && req.method === 'POST') return await serveOperation(req, res, operation, peer, context);
      if (url.pathname === '/v1/version' && req.method === 'GET') return sendJson(res, 200, { version: hacktreeVersion(), pid: process.pid });
      const known = operation !== undefined || url.pathname === '/v1/version';
      throw new HacktreeError('DAEMON_REQUEST_INVALID', known ? `${req.method} is not allowed on ${url.pathname}` : `no endpoint ${req.method} ${url.pathname}`, {
        hint: 'the endpoints: GET /v1/version, POST /v1/operations/NAME (docs/daemon-api.yaml)',
        data: { httpStatus: known ? 405 : 404 },
      });
    } catch (err) {
      const wire = toWireError(err);
      if (res.headersSent) return void res.end();
      const status = typeof wire.data?.httpStatus === 'number' ? wire.data.httpStatus : wire.code === 'DAEMON_REFUSED' ? 403 : wire.code === 'INTERNAL' ? 500 : 400;
      options.log(`uid ${peer.uid} ${req.method} ${req.url}: HTTP ${status} error[${wire.code}] ${wire.message}`);
      // A body not read to its end (too big) must not be read as the next request: close after this answer.
      sendJson(res, status, { error: wire }, status === 413);
    }
  };

  server.on('connection', (socket: Socket) => {
    try {
      peers.set(socket, readPeerCredentials(socket));
    } catch (err) {
      options.log(`a connection whose credentials cannot be read is closed: ${err instanceof Error ? err.message : String(err)}`);
      socket.destroy();
      return;
    }
    connections.add(socket);
    checkIdle();
    socket.on('close', () => {
      connections.delete(socket);
      checkIdle();
    });
  });

  let idleTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  let resolveClosed: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  function checkIdle(): void {
    clearTimeout(idleTimer);
    idleTimer = undefined;
    const busy = connections.size + context.queue.length + context.reads.count;
    if (busy === 0 && options.idleExitSeconds > 0 && !stopping) {
      idleTimer = setTimeout(() => stop(`idle for ${options.idleExitSeconds} s`), options.idleExitSeconds * 1000);
    }
  }
  function stop(reason: string): void {
    if (stopping) return;
    stopping = true;
    clearTimeout(idleTimer);
    clearTimeout(periodicTimer);
    options.log(`stopping: ${reason}`);
    server.close();
    server.closeIdleConnections();
    void context.queue.drained().then(() => {
      if (!listener.activated) removeSocket(listener.path);
      resolveClosed();
    });
  }

  const listener = await listenDaemonSocket(server, options.socket);
  const recover = options.recover;
  if (recover) {
    void context.queue
      .enqueue(recover, () => {})
      .catch((err: unknown) => options.log(`could not clean up after an interrupted operation: error[${toWireError(err).code}] ${toWireError(err).message}`))
      .finally(checkIdle);
  }
  let periodicTimer: NodeJS.Timeout | undefined;
  let periodicQueued = false;
  const runPeriodicNow = (reason: string): void => {
    const periodic = options.periodic;
    if (periodic === undefined || stopping || periodicQueued) return;
    clearTimeout(periodicTimer);
    periodicQueued = true;
    options.log(`periodic work queued (${reason})`);
    let nextAt: Date | null = null;
    void context.queue
      .enqueue(async () => {
        periodicQueued = false;
        nextAt = (await periodic.run()).nextAt;
      }, () => {})
      .catch((err: unknown) => options.log(`periodic work failed: error[${toWireError(err).code}] ${toWireError(err).message}`))
      .finally(() => {
        if (stopping) return;
        const capMs = periodic.maxSleepSeconds * 1000;
        // Not sooner than a policy's shortest interval: one whose record cannot be written stays due.
        const sleepMs = nextAt === null ? capMs : Math.max(60_000, Math.min(capMs, nextAt.getTime() - Date.now()));
        clearTimeout(periodicTimer);
        periodicTimer = setTimeout(() => runPeriodicNow('due'), sleepMs).unref();
        checkIdle();
      });
    // Queued work keeps the daemon from going idle.
    checkIdle();
  };
  runPeriodicNow('start');
  options.log(`listening on ${listener.activated ? 'the socket systemd passed' : listener.path} (pid ${process.pid})`);
  checkIdle();
  return { listener, closed, stop, runPeriodicNow };
}

function sendJson(res: ServerResponse, status: number, value: unknown, close = false): void {
  const body = `${JSON.stringify(value)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(close ? { connection: 'close' } : {}) });
  res.end(body);
}

function removeSocket(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err;
  }
}
