import type { IncomingMessage, ServerResponse } from 'node:http';
import { HacktreeError } from '../../errors/HacktreeError.js';
import type { PeerCredentials } from '../../platform/native/nativeAddon.js';
import type { CommandUi } from '../commands/defineCommand.js';
import { authorizeOperation } from './authorizeOperation.js';
import { daemonOperations } from './daemonOperations.js';
import { DAEMON_OPERATIONS, isDaemonOperation, type ResponseLine } from './daemonProtocol.js';
import { operationArgs, type DaemonScope } from './operationArgs.js';
import { readRequestBody } from './readRequestBody.js';
import type { WriterQueue } from './writerQueue.js';
import { toWireBytes } from './wireBytes.js';
import { toWireError } from './wireError.js';

export interface OperationContext {
  scope: DaemonScope;
  group: string;
  queue: WriterQueue;
  /** Reads running now (they keep the daemon from going idle like queued writes do). */
  reads: { count: number };
  log: (line: string) => void;
}

/**
 * POST /v1/operations/NAME: checks who asks and what, then answers 200 with a stream of JSON
 * lines: the queue position (writes), progress, notes, and the result or the error. A refusal
 * before anything runs is an HTTP error with one JSON object. The operation does not depend on
 * the connection once it started: a client that leaves does not stop it half-way.
 */
export async function serveOperation(req: IncomingMessage, res: ServerResponse, name: string, peer: PeerCredentials, context: OperationContext): Promise<void> {
  if (!isDaemonOperation(name)) {
    throw new HacktreeError('DAEMON_REQUEST_INVALID', `no operation "${name}"`, { hint: `the operations: ${DAEMON_OPERATIONS.join(', ')}`, data: { httpStatus: 404 } });
  }
  const spec = daemonOperations[name];
  authorizeOperation({ operation: name, access: spec.access, peer, group: context.group });
  const body = await readRequestBody(req);
  const command = await spec.load();
  const sent = body.args ?? {};
  if (typeof sent !== 'object' || sent === null || Array.isArray(sent)) {
    throw new HacktreeError('DAEMON_REQUEST_INVALID', `${name}: "args" must be a JSON object`, { hint: 'send {"args": {...}}', data: { httpStatus: 400 } });
  }
  const args = operationArgs({ command, operation: name, sent: sent as Record<string, unknown>, repo: body.repo, scope: context.scope, peer, group: context.group });

  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  let gone = false;
  res.on('close', () => {
    if (!res.writableFinished) gone = true;
  });
  const send = (line: ResponseLine) => {
    if (!gone) res.write(`${JSON.stringify(line)}\n`);
  };
  const run = async (): Promise<void> => {
    context.log(`uid ${peer.uid} ${name}: started`);
    send({ started: { operation: name } });
    try {
      const result = await command.definition.run(args as never, daemonUi(send, context.scope));
      send({ result: toWireBytes(result, command.definition.daemon) ?? null });
      context.log(`uid ${peer.uid} ${name}: done`);
    } catch (err) {
      const wire = toWireError(err);
      send({ error: wire });
      context.log(`uid ${peer.uid} ${name}: error[${wire.code}] ${wire.message}`);
    }
  };
  if (spec.writes) {
    await context.queue.enqueue(async () => {
      // One whose client left while it waited never started: nobody asks for it any more.
      if (gone) context.log(`uid ${peer.uid} ${name}: not run, its client left while it was queued`);
      else await run();
    }, (position) => send({ queued: { position } }));
  } else {
    context.reads.count++;
    await run().finally(() => context.reads.count--);
  }
  res.end();
}

/** The command's ui in the daemon: everything it would show goes to the client as a line. */
function daemonUi(send: (line: ResponseLine) => void, scope: DaemonScope): CommandUi {
  let lastProgress = 0;
  return {
    progress: (phase, done, total) => {
      const now = Date.now();
      if (now - lastProgress < 100 && done !== total) return;
      lastProgress = now;
      send({ progress: { phase, done, total } });
    },
    // Steps are a build's (make builds in the client, not here).
    step: undefined,
    live: (text) => send({ output: typeof text === 'string' ? text : Buffer.from(text).toString('utf8') }),
    note: (line) => send({ note: line }),
    warn: (message) => send({ warning: message }),
    prefix: async () => scope.prefix,
  };
}
