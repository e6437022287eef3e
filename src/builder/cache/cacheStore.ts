import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { httpRequest, type HttpResponse } from '../../platform/http/httpRequest.js';

/**
 * An artifact cache, a directory or an HTTP base URL, seen as named files (`NAME` or
 * `by-id/ID.json` below its base). Over HTTP: GET, HEAD and PUT (WebDAV, as nginx's
 * `dav_methods PUT` has it), with credentials from the environment: HACKTREE_CACHE_TOKEN (a
 * bearer token), else HACKTREE_CACHE_USER and HACKTREE_CACHE_PASSWORD (basic), else the URL's
 * own user:password@. Credentials never appear in `where` or in any message.
 */
export interface CacheStore {
  /** The cache as messages name it. */
  where: string;
  /** Where one file of it is, as messages name it. */
  locationOf(name: string): string;
  /** The file's content, or null when the cache does not have it. */
  read(name: string): Promise<Readable | null>;
  /** The file's size, or null when the cache does not have it. */
  size(name: string): Promise<number | null>;
  /** Stores a file so that a reader sees all of it or nothing. */
  write(name: string, body: { file: string; size: number } | Buffer): Promise<void>;
}

export function openCacheStore(location: string, env: NodeJS.ProcessEnv = process.env): CacheStore {
  if (/^https?:\/\//i.test(location)) return httpCacheStore(new URL(location), env);
  return directoryCacheStore(location.startsWith('file:') ? fileURLToPath(location) : resolve(location));
}

function directoryCacheStore(base: string): CacheStore {
  let counter = 0;
  const pathOf = (name: string) => join(base, ...name.split('/'));
  return {
    where: base,
    locationOf: pathOf,
    async read(name) {
      const path = pathOf(name);
      if ((await this.size(name)) === null) return null;
      return createReadStream(path);
    },
    async size(name) {
      try {
        const st = await stat(pathOf(name));
        return st.isFile() ? st.size : null;
      } catch (err) {
        if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return null;
        throw failed(`cannot read ${pathOf(name)}: ${(err as Error).message}`, pathOf(name), err);
      }
    },
    async write(name, body) {
      const path = pathOf(name);
      const tmp = join(dirname(path), `.hacktree-put-${process.pid}-${counter++}`);
      try {
        await mkdir(dirname(path), { recursive: true });
        if (Buffer.isBuffer(body)) await writeFile(tmp, body, { mode: 0o644 });
        else await copyFile(body.file, tmp);
        await rename(tmp, path);
      } catch (err) {
        await rm(tmp, { force: true });
        throw failed(`cannot write ${path}: ${(err as Error).message}`, path, err);
      }
    },
  };
}

function httpCacheStore(url: URL, env: NodeJS.ProcessEnv): CacheStore {
  const headers: Record<string, string> = {};
  const token = env.HACKTREE_CACHE_TOKEN;
  const user = env.HACKTREE_CACHE_USER ?? decodeURIComponent(url.username);
  const password = env.HACKTREE_CACHE_PASSWORD ?? decodeURIComponent(url.password);
  if (token) headers.authorization = `Bearer ${token}`;
  else if (user !== '') headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const base = new URL(url);
  base.username = '';
  base.password = '';
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const urlOf = (name: string) => new URL(name.split('/').map(encodeURIComponent).join('/'), base);
  const request = async (method: 'GET' | 'HEAD' | 'PUT', name: string, body?: Parameters<typeof httpRequest>[1]['body']): Promise<HttpResponse> => {
    const target = urlOf(name);
    try {
      return await httpRequest(target, { method, headers, body });
    } catch (err) {
      throw failed(`${method} ${target.href} failed: ${(err as Error).message}`, target.href, err);
    }
  };
  const judge = async (method: string, name: string, response: HttpResponse): Promise<void> => {
    const target = urlOf(name).href;
    const text = method === 'HEAD' ? '' : (await readSome(response.body)).trim().split('\n')[0]!.slice(0, 200);
    const detail = `${method} ${target}: HTTP ${response.status}${text ? ` (${text})` : ''}`;
    if (response.status === 401 || response.status === 403) {
      throw new HacktreeError('AUTH_FAILED', `the cache refused ${detail}`, {
        hint: 'set HACKTREE_CACHE_TOKEN, or HACKTREE_CACHE_USER and HACKTREE_CACHE_PASSWORD, to credentials the cache accepts',
        data: { url: target, status: response.status },
      });
    }
    throw failed(detail, target, undefined, response.status);
  };
  return {
    where: base.href,
    locationOf: (name) => urlOf(name).href,
    async read(name) {
      const response = await request('GET', name);
      if (response.status === 200) return response.body;
      response.body.resume();
      if (response.status === 404 || response.status === 410) return null;
      return judge('GET', name, response).then(() => null);
    },
    async size(name) {
      const response = await request('HEAD', name);
      response.body.resume();
      if (response.status === 200) return Number(response.headers['content-length'] ?? -1);
      if (response.status === 404 || response.status === 410) return null;
      return judge('HEAD', name, response).then(() => null);
    },
    async write(name, body) {
      const payload = Buffer.isBuffer(body) ? body : { stream: createReadStream(body.file), contentLength: body.size };
      const response = await request('PUT', name, payload);
      if (response.status >= 200 && response.status < 300) return void response.body.resume();
      await judge('PUT', name, response);
    },
  };
}

async function readSome(body: Readable): Promise<string> {
  let text = '';
  for await (const chunk of body) if (text.length < 4096) text += String(chunk);
  return text;
}

function failed(message: string, location: string, cause?: unknown, status?: number): HacktreeError {
  return new HacktreeError('CACHE_FAILED', message, {
    hint: 'check that the cache is reachable and the URL or directory is right; a build falls back to building',
    data: { location, ...(status === undefined ? {} : { status }) },
    cause,
  });
}
