import { closeSync, openSync, statSync, truncateSync, writeSync } from 'node:fs';
import { errnoOf } from '../../errors/errnoOf.js';
import { isHacktreeError } from '../../errors/HacktreeError.js';
import { downloadFailure } from './downloadToFile.js';
import { httpRequest } from './httpRequest.js';

export interface ResumableOptions {
  /** The file's full size, when known: a longer answer is cut off there and refused. */
  size?: number;
  /** Attempts after a cut connection within this call (default 3). */
  retries?: number;
  idleTimeoutMs?: number;
  /** Bytes as they arrive, for progress and for counting what travelled. */
  onBytes?: (bytes: number) => void;
}

/**
 * Downloads `url` into `partFile`, continuing what a cut download (in this call or an earlier
 * one) left there with a Range request; a server that ignores Range (200) sends it all again.
 * A cut connection is retried `retries` times. Failures are FETCH_FAILED naming the URL, with
 * the HTTP status in `data.status`. The caller checks the content (its sha256) and keeps the
 * part file after a failure, so the next attempt resumes.
 */
export async function downloadResumable(url: string, partFile: string, options: ResumableOptions = {}): Promise<void> {
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    try {
      await downloadOnce(url, partFile, options);
      return;
    } catch (err) {
      const cut = isHacktreeError(err, 'FETCH_FAILED') && err.data.status === undefined;
      if (!cut || attempt >= retries) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  }
}

async function downloadOnce(url: string, partFile: string, options: ResumableOptions): Promise<void> {
  const have = sizeOf(partFile);
  if (options.size !== undefined && have === options.size) return;
  if (options.size !== undefined && have > options.size) truncateSync(partFile, 0);
  const from = sizeOf(partFile);
  let response;
  try {
    response = await httpRequest(new URL(url), { method: 'GET', headers: { 'user-agent': 'hacktree', 'accept-encoding': 'identity', ...(from > 0 ? { range: `bytes=${from}-` } : {}) }, idleTimeoutMs: options.idleTimeoutMs });
  } catch (err) {
    throw downloadFailure(url, (err as Error).message, { errno: errnoOf(err), cause: err });
  }
  const { status } = response;
  if (status === 416 && from > 0) {
    // What is here is not a prefix the server knows: start again.
    response.body.resume();
    truncateSync(partFile, 0);
    return downloadOnce(url, partFile, options);
  }
  if (status !== 200 && status !== 206) {
    response.body.resume();
    throw downloadFailure(url, `HTTP ${status}`, { status });
  }
  const append = status === 206;
  let received = 0;
  const limit = options.size === undefined ? Infinity : options.size - (append ? from : 0);
  // Written as each chunk arrives, synchronously: a write stream destroyed by the cut would
  // drop what it still buffered, and that is what the next attempt resumes from.
  const fd = openSync(partFile, append ? 'a' : 'w');
  try {
    for await (const chunk of response.body) {
      received += (chunk as Buffer).length;
      if (received > limit) {
        response.body.destroy();
        throw downloadFailure(url, `longer than the ${options.size} bytes expected`, { status });
      }
      writeSync(fd, chunk as Buffer);
      options.onBytes?.((chunk as Buffer).length);
    }
  } catch (err) {
    if (isHacktreeError(err)) throw err;
    if (errnoOf(err) === 'ENOSPC' || errnoOf(err) === 'EIO' || errnoOf(err) === 'EDQUOT') throw err;
    throw downloadFailure(url, `the connection closed after ${received} bytes (${(err as Error).message})`, { errno: errnoOf(err), cause: err });
  } finally {
    closeSync(fd);
  }
  const announced = response.headers['content-length'];
  if (announced !== undefined && Number(announced) !== received) {
    throw downloadFailure(url, `the connection closed after ${received} of ${announced} bytes`);
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return 0;
    throw err;
  }
}
