import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { createNewFileStream } from '../fs/createNewFileStream.js';
import { trustExtraCaCertificates } from './trustExtraCaCertificates.js';

export interface DownloadOptions {
  /** Idle time allowed while connecting or between two reads, in ms (default 30 s). */
  timeoutMs?: number;
  onData?: (received: number, total: number | undefined) => void;
  /** Also compute the md5 (only when a recipe gives an md5sum: it costs throughput). */
  md5?: boolean;
}

export interface Downloaded {
  bytes: number;
  sha256: string;
  md5: string | undefined;
}

/** One URL's failure: FETCH_FAILED whose data holds the url and the HTTP status or errno. */
export function downloadFailure(url: string, reason: string, more: { status?: number; errno?: string; cause?: unknown } = {}): HacktreeError {
  return new HacktreeError('FETCH_FAILED', `${url}: ${reason}`, {
    hint: 'check the URL and the network (or a mirror), then run the command again',
    data: { url, reason, status: more.status, errno: more.errno },
    cause: more.cause,
  });
}

const MAX_REDIRECTS = 10;

/**
 * Streams an http(s):// or file:// URL into `dest` (created, never overwritten), hashing it on
 * the way. Redirects are followed; a status other than 200, a refused or reset connection, a
 * stall longer than the timeout and a body shorter or longer than its Content-Length are
 * FETCH_FAILED naming the URL. The caller removes `dest` after a failure.
 */
export async function downloadToFile(url: string, dest: string, options: DownloadOptions = {}): Promise<Downloaded> {
  const source = url.startsWith('file://') ? createReadStream(fileURLToPath(url)) : await openUrl(url, options.timeoutMs ?? 30_000);
  const length = source instanceof http.IncomingMessage ? source.headers['content-length'] : undefined;
  const transfer: Transfer = { url, dest, total: length === undefined ? undefined : Number(length), bytes: 0, sha256: createHash('sha256'), md5: options.md5 ? createHash('md5') : undefined };
  await copyStream(source, transfer, options.onData);
  if (transfer.total !== undefined && transfer.bytes !== transfer.total) {
    throw downloadFailure(url, `truncated: received ${transfer.bytes} of the ${transfer.total} bytes its Content-Length announced`);
  }
  return { bytes: transfer.bytes, sha256: transfer.sha256.digest('hex'), md5: transfer.md5?.digest('hex') };
}

interface Transfer {
  url: string;
  dest: string;
  /** The announced Content-Length. */
  total: number | undefined;
  bytes: number;
  sha256: Hash;
  md5: Hash | undefined;
}

async function copyStream(source: Readable, transfer: Transfer, onData: DownloadOptions['onData']): Promise<void> {
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      transfer.sha256.update(chunk);
      transfer.md5?.update(chunk);
      transfer.bytes += chunk.length;
      onData?.(transfer.bytes, transfer.total);
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, hashing, createNewFileStream(transfer.dest, { source }));
  } catch (err) {
    if (isHacktreeError(err)) throw err;
    // The file being written failing (ENOSPC…) is not the URL's fault: that error goes up as it is.
    if ((err as NodeJS.ErrnoException).path === transfer.dest) throw err;
    const errno = errnoOf(err);
    if (errno === 'ECONNRESET' || (err as Error).message === 'aborted') {
      const of = transfer.total === undefined ? '' : ` of ${transfer.total}`;
      throw downloadFailure(transfer.url, `the connection closed after ${transfer.bytes}${of} bytes (truncated)`, { errno, cause: err });
    }
    throw downloadFailure(transfer.url, describeError(err), { errno, cause: err });
  }
}

function openUrl(url: string, timeoutMs: number, redirects = 0): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(downloadFailure(url, 'not a valid URL'));
      return;
    }
    const client = parsed.protocol === 'https:' ? https : parsed.protocol === 'http:' ? http : undefined;
    if (!client) {
      reject(downloadFailure(url, `unsupported scheme ${parsed.protocol}`));
      return;
    }
    if (client === https) trustExtraCaCertificates();
    const request = client.get(parsed, { headers: { 'user-agent': 'hacktree', 'accept-encoding': 'identity' } }, (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location !== undefined) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) {
          reject(downloadFailure(url, `more than ${MAX_REDIRECTS} redirects`, { status }));
          return;
        }
        openUrl(new URL(location, parsed).href, timeoutMs, redirects + 1).then(resolve, reject);
        return;
      }
      if (status !== 200) {
        response.resume();
        reject(downloadFailure(url, `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`, { status }));
        return;
      }
      response.setTimeout(timeoutMs, () => response.destroy(downloadFailure(url, `no data for ${timeoutMs / 1000} s (timed out)`, { errno: 'ETIMEDOUT' })));
      resolve(response);
    });
    request.setTimeout(timeoutMs, () => request.destroy(downloadFailure(url, `no answer within ${timeoutMs / 1000} s (timed out)`, { errno: 'ETIMEDOUT' })));
    request.on('error', (err) => reject(isHacktreeError(err) ? err : downloadFailure(url, describeError(err), { errno: errnoOf(err), cause: err })));
  });
}

function describeError(err: unknown): string {
  const errno = errnoOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (errno === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED)';
  if (errno === 'ENOTFOUND' || errno === 'EAI_AGAIN') return `host not found (${errno})`;
  return errno !== undefined && !message.includes(errno) ? `${message} (${errno})` : message;
}
