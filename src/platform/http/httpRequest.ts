import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { trustExtraCaCertificates } from './trustExtraCaCertificates.js';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body, to be read or dropped (`body.resume()`) by the caller. */
  body: http.IncomingMessage;
}

export interface HttpRequestOptions {
  method: 'GET' | 'HEAD' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  /** A request body: bytes, or a stream of `contentLength` bytes. */
  body?: Buffer | { stream: Readable; contentLength: number };
  /** No byte for this long aborts the request (default 30 s). */
  idleTimeoutMs?: number;
}

/**
 * One HTTP(S) request with node's own client (no redirects followed). Rejects with the socket's
 * error (ECONNREFUSED, a timeout…); any status resolves, for the caller to judge.
 */
export function httpRequest(url: URL, options: HttpRequestOptions): Promise<HttpResponse> {
  const client = url.protocol === 'https:' ? https : http;
  if (client === https) trustExtraCaCertificates();
  const headers: Record<string, string> = { ...options.headers };
  const body = options.body;
  if (body !== undefined) headers['content-length'] = String(Buffer.isBuffer(body) ? body.length : body.contentLength);
  return new Promise((resolve, reject) => {
    const request = client.request(url, { method: options.method, headers, timeout: options.idleTimeoutMs ?? 30_000 }, (response) => {
      resolve({ status: response.statusCode ?? 0, headers: response.headers, body: response });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url.host} for ${(options.idleTimeoutMs ?? 30_000) / 1000} s`)));
    request.on('error', reject);
    if (body === undefined) request.end();
    else if (Buffer.isBuffer(body)) request.end(body);
    else {
      body.stream.on('error', (err) => request.destroy(err));
      body.stream.pipe(request);
    }
  });
}
