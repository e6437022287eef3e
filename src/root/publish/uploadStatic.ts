import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { redactUrl, urlHasCredentials } from '../../model/remote/redactUrl.js';
import { parseStaticIndex } from '../../model/static/staticIndex.js';
import { httpRequest } from '../../platform/http/httpRequest.js';

export interface UploadStaticOptions {
  /** The published directory, as publishStatic left it. */
  dir: string;
  /** The base URL of a WebDAV server (PUT), e.g. nginx with dav_methods PUT. */
  url: string;
  env?: NodeJS.ProcessEnv;
}

export interface UploadReport {
  url: string;
  filesSent: number;
  bytesSent: number;
}

/**
 * Copies a published directory to a web server by HTTP PUT in the order that keeps the
 * server's copy valid for readers throughout: the packs the server's index does not name (and
 * git's dumb-HTTP packs it lacks), then the signatures and git's small files, and index.json
 * last. Credentials come from HACKTREE_PUBLISH_TOKEN (bearer), else HACKTREE_PUBLISH_USER and
 * HACKTREE_PUBLISH_PASSWORD (basic); never from the URL.
 */
export async function uploadStatic(options: UploadStaticOptions): Promise<UploadReport> {
  if (urlHasCredentials(options.url) || !/^https?:\/\//.test(options.url)) {
    throw new HacktreeError('USAGE', `--upload wants an http(s):// URL without credentials, not ${redactUrl(options.url)}`, {
      hint: 'put the credentials in HACKTREE_PUBLISH_USER and HACKTREE_PUBLISH_PASSWORD (or HACKTREE_PUBLISH_TOKEN)',
    });
  }
  const base = options.url.endsWith('/') ? options.url : `${options.url}/`;
  const headers = authHeaders(options.env ?? process.env);
  const report: UploadReport = { url: base, filesSent: 0, bytesSent: 0 };
  const there = await serverPacks(base, headers);
  const put = async (name: string) => {
    const file = join(options.dir, name);
    const size = statSync(file).size;
    const response = await httpRequest(new URL(name, base), { method: 'PUT', headers, body: { stream: createReadStream(file), contentLength: size } }).catch((err: unknown) => {
      throw uploadFailed(base, name, (err as Error).message, err);
    });
    response.body.resume();
    if (response.status === 401 || response.status === 403) {
      throw new HacktreeError('AUTH_FAILED', `${redactUrl(base)} refused the upload of ${name} (HTTP ${response.status})`, {
        hint: 'set HACKTREE_PUBLISH_USER and HACKTREE_PUBLISH_PASSWORD (or HACKTREE_PUBLISH_TOKEN) for the server',
        data: { url: redactUrl(base), status: response.status },
      });
    }
    if (response.status < 200 || response.status > 299) throw uploadFailed(base, name, `HTTP ${response.status}`);
    report.filesSent++;
    report.bytesSent += size;
  };
  const local = parseStaticIndex(readFileSync(join(options.dir, 'index.json')), join(options.dir, 'index.json'));
  for (const id of Object.keys(local.packs)) if (!there.has(id)) await put(`packs/${id}.pack.zst`);
  for (const name of filesBelow(options.dir, 'objects/pack')) {
    if (/\.(pack|idx)$/.test(name) && !(await exists(new URL(name, base), headers))) await put(name);
  }
  for (const name of [...filesBelow(options.dir, 'signatures'), ...filesBelow(options.dir, 'refs'), 'objects/info/packs', 'info/refs', 'HEAD']) {
    if (existsSync(join(options.dir, name))) await put(name);
  }
  await put('index.json');
  return report;
}

function authHeaders(env: NodeJS.ProcessEnv): Record<string, string> {
  if (env.HACKTREE_PUBLISH_TOKEN) return { authorization: `Bearer ${env.HACKTREE_PUBLISH_TOKEN}` };
  if (env.HACKTREE_PUBLISH_USER) return { authorization: `Basic ${Buffer.from(`${env.HACKTREE_PUBLISH_USER}:${env.HACKTREE_PUBLISH_PASSWORD ?? ''}`).toString('base64')}` };
  return {};
}

/** The packs the server's current index names: those need no upload (none when it has no index). */
async function serverPacks(base: string, headers: Record<string, string>): Promise<Set<string>> {
  const response = await httpRequest(new URL('index.json', base), { method: 'GET', headers }).catch((err: unknown) => {
    throw uploadFailed(base, 'index.json', (err as Error).message, err);
  });
  const chunks: Buffer[] = [];
  for await (const chunk of response.body) chunks.push(chunk as Buffer);
  if (response.status === 404) return new Set();
  if (response.status !== 200) throw uploadFailed(base, 'index.json', `HTTP ${response.status} reading it`);
  return new Set(Object.keys(parseStaticIndex(Buffer.concat(chunks), `${redactUrl(base)}index.json`).packs));
}

async function exists(url: URL, headers: Record<string, string>): Promise<boolean> {
  const response = await httpRequest(url, { method: 'HEAD', headers });
  response.body.resume();
  return response.status === 200;
}

function filesBelow(dir: string, sub: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    if (!existsSync(path)) return;
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && !entry.name.includes('.tmp-')) out.push(relative(dir, child));
    }
  };
  walk(join(dir, sub));
  return out.sort();
}

function uploadFailed(base: string, name: string, why: string, cause?: unknown): HacktreeError {
  return new HacktreeError('REMOTE_FAILED', `uploading ${name} to ${redactUrl(base)} failed: ${why}`, {
    hint: 'check that the server is up and accepts PUT (WebDAV) there, then publish again: the server keeps its previous index until the new one is uploaded last',
    data: { url: redactUrl(base), file: name },
    cause,
  });
}
