import { errnoOf } from '../../errors/errnoOf.js';
import { isHacktreeError } from '../../errors/HacktreeError.js';
import { downloadFailure } from './downloadToFile.js';
import { httpRequest } from './httpRequest.js';

/**
 * A small file over HTTP(S), whole, in memory (an index, a signature): FETCH_FAILED naming the
 * URL (with the status in `data.status`) for anything but a 200, or when it exceeds `maxBytes`.
 */
export async function fetchBytes(url: string, options: { maxBytes: number; idleTimeoutMs?: number }): Promise<Buffer> {
  let response;
  try {
    response = await httpRequest(new URL(url), { method: 'GET', headers: { 'user-agent': 'hacktree', 'accept-encoding': 'identity', 'cache-control': 'no-cache' }, idleTimeoutMs: options.idleTimeoutMs });
  } catch (err) {
    throw downloadFailure(url, (err as Error).message, { errno: errnoOf(err), cause: err });
  }
  if (response.status !== 200) {
    response.body.resume();
    throw downloadFailure(url, `HTTP ${response.status}`, { status: response.status });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > options.maxBytes) {
        response.body.destroy();
        throw downloadFailure(url, `larger than ${options.maxBytes} bytes`, { status: response.status });
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (isHacktreeError(err)) throw err;
    throw downloadFailure(url, `the connection closed early (${(err as Error).message})`, { errno: errnoOf(err), cause: err });
  }
  return Buffer.concat(chunks);
}
