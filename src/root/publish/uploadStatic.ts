import { createHash } from 'node:crypto';
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
  /** Files deleted on the server (the local copy dropped them: --keep), after the index. */
  filesDeleted: number;
  /** Deletions that failed: warnings, tried again by the next upload (UPLOADED_LIST keeps them). */
  notDeleted: Array<{ file: string; why: string }>;
}

/**
 * On the server, beside index.json: every file an upload put there (that the server may still
 * hold), so a later upload knows what to delete once the local copy no longer has it. A plain
 * WebDAV server (nginx) cannot list a directory.
 */
export const UPLOADED_LIST = 'uploaded.json';
const UPLOADED_FORMAT = 'hacktree-uploaded 1';

/** The files an upload may delete: packs, index signatures and git's packs, nothing else. */
const DELETABLE = /^(packs\/[0-9a-f]{64}\.pack\.zst|signatures\/[0-9a-f]{64}\.sig|objects\/pack\/pack-[0-9a-f]{40}\.(pack|idx))$/;

/**
 * Copies a published directory to a web server by HTTP PUT in the order that keeps the
 * server's copy valid for readers throughout: the packs the server's index does not name (and
 * git's dumb-HTTP packs it lacks), then the signatures and git's small files, and index.json
 * last. Then, and only then, it deletes (HTTP DELETE) what the server holds that the local copy
 * dropped (`publish --keep`): the server's previous index no longer being there, no reader is
 * sent to them. A failed DELETE is a warning, not a failure: the files stay in UPLOADED_LIST and
 * the next upload tries again. Credentials come from HACKTREE_PUBLISH_TOKEN (bearer), else
 * HACKTREE_PUBLISH_USER and HACKTREE_PUBLISH_PASSWORD (basic); never from the URL.
 */
export async function uploadStatic(options: UploadStaticOptions): Promise<UploadReport> {
  if (urlHasCredentials(options.url) || !/^https?:\/\//.test(options.url)) {
    throw new HacktreeError('USAGE', `--upload wants an http(s):// URL without credentials, not ${redactUrl(options.url)}`, {
      hint: 'put the credentials in HACKTREE_PUBLISH_USER and HACKTREE_PUBLISH_PASSWORD (or HACKTREE_PUBLISH_TOKEN)',
    });
  }
  const base = options.url.endsWith('/') ? options.url : `${options.url}/`;
  const headers = authHeaders(options.env ?? process.env);
  const report: UploadReport = { url: base, filesSent: 0, bytesSent: 0, filesDeleted: 0, notDeleted: [] };
  const server = await serverState(base, headers);
  const there = server.packs;
  const put = async (name: string, bytes?: Buffer) => {
    const file = join(options.dir, name);
    const size = bytes === undefined ? statSync(file).size : bytes.length;
    const body = bytes ?? { stream: createReadStream(file), contentLength: size };
    const response = await httpRequest(new URL(name, base), { method: 'PUT', headers, body }).catch((err: unknown) => {
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
  const sent = new Set<string>();
  for (const id of Object.keys(local.packs)) {
    sent.add(`packs/${id}.pack.zst`);
    if (!there.has(id)) await put(`packs/${id}.pack.zst`);
  }
  for (const name of filesBelow(options.dir, 'objects/pack')) {
    if (!/\.(pack|idx)$/.test(name)) continue;
    sent.add(name);
    if (!(await exists(new URL(name, base), headers))) await put(name);
  }
  for (const name of [...filesBelow(options.dir, 'signatures'), ...filesBelow(options.dir, 'refs'), 'objects/info/packs', 'info/refs', 'HEAD']) {
    if (!existsSync(join(options.dir, name))) continue;
    sent.add(name);
    await put(name);
  }
  const stale = [...server.files].filter((name) => DELETABLE.test(name) && !sent.has(name)).sort();
  // Before the index: should this upload stop after it, the next one still knows what to delete.
  await put(UPLOADED_LIST, uploadedList([...sent, ...stale]));
  await put('index.json');
  for (const name of stale) {
    const outcome = await remove(new URL(name, base), headers);
    if (outcome === 'deleted') report.filesDeleted++;
    else if (outcome !== 'gone') report.notDeleted.push({ file: name, why: outcome });
  }
  if (stale.length > 0) {
    await put(UPLOADED_LIST, uploadedList([...sent, ...report.notDeleted.map((n) => n.file)])).catch((err: unknown) => {
      // The list still names what was deleted: the next upload finds those gone (404), no harm.
      report.notDeleted.push({ file: UPLOADED_LIST, why: `could not update it (${(err as Error).message})` });
    });
  }
  return report;
}

function uploadedList(files: string[]): Buffer {
  return Buffer.from(`${JSON.stringify({ format: UPLOADED_FORMAT, files: [...new Set(files)].sort() }, null, 1)}\n`);
}

/** DELETE: 'deleted', 'gone' (404: an earlier try deleted it, or it never was), else why not. */
async function remove(url: URL, headers: Record<string, string>): Promise<string> {
  try {
    const response = await httpRequest(url, { method: 'DELETE', headers });
    response.body.resume();
    if (response.status === 404) return 'gone';
    return response.status >= 200 && response.status <= 299 ? 'deleted' : `HTTP ${response.status}`;
  } catch (err) {
    return (err as Error).message;
  }
}

function authHeaders(env: NodeJS.ProcessEnv): Record<string, string> {
  if (env.HACKTREE_PUBLISH_TOKEN) return { authorization: `Bearer ${env.HACKTREE_PUBLISH_TOKEN}` };
  if (env.HACKTREE_PUBLISH_USER) return { authorization: `Basic ${Buffer.from(`${env.HACKTREE_PUBLISH_USER}:${env.HACKTREE_PUBLISH_PASSWORD ?? ''}`).toString('base64')}` };
  return {};
}

/**
 * What the server holds: the packs its current index names (those need no upload; none when it
 * has no index), and the files it may hold that an upload put there: UPLOADED_LIST's, and the
 * current index's packs and signature (a server an older hacktree uploaded to has no list).
 */
async function serverState(base: string, headers: Record<string, string>): Promise<{ packs: Set<string>; files: Set<string> }> {
  const index = await get(base, 'index.json', headers);
  if (index === undefined) return { packs: new Set(), files: new Set() };
  const packs = new Set(Object.keys(parseStaticIndex(index, `${redactUrl(base)}index.json`).packs));
  const files = new Set([...packs].map((id) => `packs/${id}.pack.zst`));
  files.add(`signatures/${createHash('sha256').update(index).digest('hex')}.sig`);
  const list = await get(base, UPLOADED_LIST, headers);
  if (list !== undefined) {
    let parsed: { format?: unknown; files?: unknown };
    try {
      parsed = JSON.parse(list.toString('utf8')) as typeof parsed;
    } catch {
      parsed = {};
    }
    // Not one hacktree wrote: nothing more is known to be there, nothing is deleted by it.
    if (parsed.format === UPLOADED_FORMAT && Array.isArray(parsed.files)) for (const name of parsed.files) if (typeof name === 'string') files.add(name);
  }
  return { packs, files };
}

/** A file of the server, or undefined when it has none (404). */
async function get(base: string, name: string, headers: Record<string, string>): Promise<Buffer | undefined> {
  const response = await httpRequest(new URL(name, base), { method: 'GET', headers }).catch((err: unknown) => {
    throw uploadFailed(base, name, (err as Error).message, err);
  });
  const chunks: Buffer[] = [];
  for await (const chunk of response.body) chunks.push(chunk as Buffer);
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw uploadFailed(base, name, `HTTP ${response.status} reading it`);
  return Buffer.concat(chunks);
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
