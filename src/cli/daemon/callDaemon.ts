import { request, type IncomingMessage } from 'node:http';
import { resolve } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { resolvePrefix } from '../../root/deploy/resolvePrefix.js';
import { daemonSocketPath, type DaemonRoute, type ResponseLine, type WireError } from './daemonProtocol.js';
import { fromWireBytes } from './wireBytes.js';
import { fromWireError } from './wireError.js';

/** What of a command's ui (CommandUi) the daemon's lines go to. */
export interface DaemonClientUi {
  progress: ((phase: string, done: number, total: number) => void) | undefined;
  live: ((text: string) => void) | undefined;
  note(line: string): void;
  warn(message: string): void;
}

/**
 * Runs a command in the daemon: its declared arguments as this process reads them (the root from
 * HACKTREE_ROOT, the prefix resolved, file names made absolute: the daemon has neither this
 * environment nor this directory), sent to POST /v1/operations/NAME; progress, notes and output
 * go to `ui` as they come, and the result is returned (or its error thrown) as `run` would.
 */
export async function callDaemon(options: { route: DaemonRoute; keys: string[]; args: Record<string, unknown>; ui: DaemonClientUi }): Promise<unknown> {
  const { route, keys, args, ui } = options;
  const sent: Record<string, unknown> = {};
  for (const key of keys) if (args[key] !== undefined) sent[key] = args[key];
  if (keys.includes('root')) {
    const root = typeof sent.root === 'string' && sent.root !== '' ? sent.root : process.env.HACKTREE_ROOT;
    // Neither: the usage error the direct path gives (loaded only then: status's path stays light).
    if (root === undefined || root === '') (await import('../options/rootOrEnvironment.js')).rootOrEnvironment(undefined, undefined, `root ${route.operation}`);
    else sent.root = root.includes('/') ? resolve(root) : root;
  }
  if (keys.includes('prefix')) sent.prefix = resolvePrefix(typeof sent.prefix === 'string' ? sent.prefix : undefined);
  for (const key of route.paths ?? []) {
    const value = sent[key];
    if (typeof value === 'string') sent[key] = resolve(value);
    else if (Array.isArray(value)) sent[key] = value.map((v) => resolve(String(v)));
  }
  const socket = daemonSocketPath();
  const response = await post(socket, `/v1/operations/${route.operation}`, JSON.stringify({ repo: resolve(String(args.repo)), args: sent }));
  if (response.statusCode !== 200) throw fromWireError(await readErrorBody(response, socket));
  return fromWireBytes(await readAnswer(response, socket, ui), route);
}

function post(socket: string, path: string, body: string): Promise<IncomingMessage> {
  return new Promise((resolvePost, reject) => {
    const req = request({ socketPath: socket, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, resolvePost);
    req.on('error', (err) => reject(unreachable(socket, err)));
    req.end(body);
  });
}

function unreachable(socket: string, err: unknown): HacktreeError {
  const errno = errnoOf(err);
  return new HacktreeError('DAEMON_UNAVAILABLE', `no hacktree daemon answers at ${socket} (${errno ?? (err instanceof Error ? err.message : String(err))})`, {
    hint:
      errno === 'EACCES'
        ? `this user may not open ${socket}: an admin checks its mode (0666) and its directory's`
        : 'an admin starts it (systemctl start hacktree.socket, or "hacktree daemon"); root can run the command directly',
    data: { socket, errno },
    cause: err,
  });
}

async function readErrorBody(response: IncomingMessage, socket: string): Promise<WireError> {
  let text = '';
  for await (const chunk of response) text += String(chunk);
  try {
    const parsed = JSON.parse(text) as { error?: WireError };
    if (parsed.error && typeof parsed.error.code === 'string') return parsed.error;
  } catch {
    // not JSON: said below with the status
  }
  return { code: 'DAEMON_UNAVAILABLE', message: `the daemon at ${socket} answered HTTP ${response.statusCode}: ${text.trim().slice(0, 200)}`, status: 21 };
}

async function readAnswer(response: IncomingMessage, socket: string, ui: DaemonClientUi): Promise<unknown> {
  let answer: { done: boolean; value?: unknown };
  try {
    answer = await readAnswerLines(response, ui);
  } catch (err) {
    // A daemon killed mid-answer resets the connection (node: ECONNRESET, "aborted").
    if (errnoOf(err) !== 'ECONNRESET') throw err;
    answer = { done: false };
  }
  if (answer.done) return answer.value;
  throw new HacktreeError('DAEMON_UNAVAILABLE', `the daemon at ${socket} closed the connection before the operation's result`, {
    hint: 'it stopped or was killed: the operation completed or was rolled back; "hacktree root status" shows which',
    data: { socket },
  });
}

async function readAnswerLines(response: IncomingMessage, ui: DaemonClientUi): Promise<{ done: boolean; value?: unknown }> {
  let pending = '';
  response.setEncoding('utf8');
  for await (const chunk of response) {
    pending += String(chunk);
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = JSON.parse(pending.slice(0, newline)) as ResponseLine;
      pending = pending.slice(newline + 1);
      if ('result' in line) return { done: true, value: line.result };
      if ('error' in line) throw fromWireError(line.error);
      if ('queued' in line && line.queued.position > 0) ui.note(`hacktree: the daemon runs ${line.queued.position} operation(s) before this one; waiting`);
      else if ('progress' in line) ui.progress?.(line.progress.phase, line.progress.done, line.progress.total);
      else if ('note' in line) ui.note(line.note);
      else if ('warning' in line) ui.warn(line.warning);
      else if ('output' in line) ui.live?.(line.output);
    }
  }
  return { done: false };
}
