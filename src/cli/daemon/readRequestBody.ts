import type { IncomingMessage } from 'node:http';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { MAX_REQUEST_BYTES } from './daemonProtocol.js';

/**
 * A request's body as one JSON object, at most MAX_REQUEST_BYTES: a bigger one is refused as
 * soon as its length (declared or counted) passes the limit, without reading the rest.
 */
export async function readRequestBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const tooBig = () =>
    new HacktreeError('DAEMON_REQUEST_INVALID', `the request's body is larger than ${MAX_REQUEST_BYTES} bytes`, {
      hint: 'a request carries only the arguments (file names, never file contents)',
      data: { limit: MAX_REQUEST_BYTES, httpStatus: 413 },
    });
  if (Number(req.headers['content-length'] ?? 0) > MAX_REQUEST_BYTES) throw tooBig();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw tooBig();
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text === '' ? '{}' : text);
  } catch (err) {
    throw new HacktreeError('DAEMON_REQUEST_INVALID', `the request's body is not JSON: ${(err as Error).message}`, {
      hint: 'send one JSON object, e.g. {"args": {"name": "3.2-runtime-opt-x86_64"}}',
      data: { httpStatus: 400 },
    });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HacktreeError('DAEMON_REQUEST_INVALID', 'the request\'s body must be a JSON object', { hint: 'send {"args": {...}}', data: { httpStatus: 400 } });
  }
  return body as Record<string, unknown>;
}
