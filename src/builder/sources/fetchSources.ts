import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, renameSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { statIfExists } from '../../platform/fs/statIfExists.js';
import { mirrorUrls, type MirrorRule } from '../../model/recipe/mirrorUrls.js';
import type { Recipe } from '../../model/recipe/recipe.js';
import { checksumFlag, formatLocation, parseRecipeSrcUris, type SrcUri } from '../../model/recipe/srcUri.js';
import { isAlive } from '../../platform/fs/lockFile.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import { downloadToFile } from '../../platform/http/downloadToFile.js';
import { findLocalFile } from './findLocalFile.js';
import { runWithConcurrency } from '../../platform/process/runWithConcurrency.js';

export interface FetchedSource {
  uri: SrcUri;
  /** The file in the source cache (remote sources) or beside the recipe (file://). */
  path: string;
  sha256: string;
}

export interface FetchProgress {
  uri: SrcUri;
  /** The URL being downloaded; undefined when the source came from the cache or is local. */
  url: string | undefined;
  received: number;
  total: number | undefined;
  state: 'cached' | 'local' | 'downloading' | 'done';
}

export interface FetchSourcesOptions {
  recipe: Recipe;
  /** The source cache: `<sha256>/<file name>` per verified download. */
  sourceCache: string;
  /** Tried before the upstream URL (the recipe's PREMIRRORS, parsed with parseMirrorList). */
  premirrors?: readonly MirrorRule[];
  /** Tried after the upstream URL failed (MIRRORS). */
  mirrors?: readonly MirrorRule[];
  /** Downloads at once (default 4). */
  concurrency?: number;
  /** Idle time allowed per connection, in ms (default 30 s). */
  timeoutMs?: number;
  onProgress?: (progress: FetchProgress) => void;
}

/** Prefix of a download in progress in the source cache: `.partial-<pid>-<n>-<file name>`. */
const PARTIAL_PREFIX = '.partial-';
let partialCounter = 0;

/**
 * Makes every SRC_URI entry of a recipe available: file:// sources are found beside the recipe
 * and hashed; remote ones must carry a sha256 sum (CHECKSUM_MISSING otherwise) and are served
 * from the cache when `<cache>/<sha256>/<file name>` exists (no request at all), else
 * downloaded from the PREMIRRORS, the upstream URL, then the MIRRORS, first success wins,
 * into a temporary file that is verified and then renamed into place. Every failure leaves
 * the cache as it was; when no URL worked the error names each one tried and why.
 */
export async function fetchSources(options: FetchSourcesOptions): Promise<FetchedSource[]> {
  const { recipe } = options;
  const uris = parseRecipeSrcUris(recipe);
  const expected = uris.map((uri) => (uri.scheme === 'file' ? undefined : expectedSums(recipe, uri)));
  mkdirSync(options.sourceCache, { recursive: true });
  removeDeadPartials(options.sourceCache);
  const settled = await runWithConcurrency(uris, options.concurrency ?? 4, (uri, index) =>
    uri.scheme === 'file' ? fetchLocal(recipe, uri, options) : fetchRemote(uri, expected[index]!, options),
  );
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<FetchedSource>).value);
}

interface ExpectedSums {
  sha256: string;
  md5: string | undefined;
}

function expectedSums(recipe: Recipe, uri: SrcUri): ExpectedSums {
  const flags = recipe.flags.get('SRC_URI');
  const flag = checksumFlag(uri);
  const sha256 = flags?.get(flag)?.trim().toLowerCase();
  const where = formatLocation(recipe.origins.get('SRC_URI') ?? { file: recipe.file, line: 0 });
  if (sha256 === undefined || sha256 === '') {
    throw new HacktreeError('CHECKSUM_MISSING', `${where}: ${uri.url} has no checksum: SRC_URI[${flag}] is not set`, {
      hint: `add SRC_URI[${flag}] = "<sha256 of ${uri.fileName}>" to ${recipe.file} (sha256sum prints it)`,
      data: { recipe: recipe.file, url: uri.url, flag },
    });
  }
  if (!/^[0-9a-f]{64}$/.test(sha256)) {
    throw new HacktreeError('RECIPE_INVALID', `${where}: SRC_URI[${flag}] = ${JSON.stringify(sha256)} is not a sha256 sum (64 hex digits)`, {
      hint: `set SRC_URI[${flag}] to the output of sha256sum ${uri.fileName}`,
      data: { recipe: recipe.file, flag, value: sha256 },
    });
  }
  const md5 = flags?.get(checksumFlag(uri, 'md5sum'))?.trim().toLowerCase() || undefined;
  return { sha256, md5 };
}

async function fetchLocal(recipe: Recipe, uri: SrcUri, options: FetchSourcesOptions): Promise<FetchedSource> {
  const path = findLocalFile(recipe, uri);
  const sha256 = await sha256OfFile(path);
  options.onProgress?.({ uri, url: undefined, received: statSync(path).size, total: undefined, state: 'local' });
  return { uri, path, sha256 };
}

interface Attempt {
  url: string;
  reason: string;
  status?: number;
  errno?: string;
  actualSha256?: string;
}

async function fetchRemote(uri: SrcUri, expected: ExpectedSums, options: FetchSourcesOptions): Promise<FetchedSource> {
  const cached = join(options.sourceCache, expected.sha256, uri.fileName);
  const cachedStat = statIfExists(cached, { followSymlinks: true });
  if (cachedStat?.isFile()) {
    options.onProgress?.({ uri, url: undefined, received: cachedStat.size, total: undefined, state: 'cached' });
    return { uri, path: cached, sha256: expected.sha256 };
  }
  const candidates = [
    ...mirrorUrls(uri.url, uri.fileName, options.premirrors ?? []),
    uri.url,
    ...mirrorUrls(uri.url, uri.fileName, options.mirrors ?? []),
  ].filter((url, index, all) => all.indexOf(url) === index);
  const attempts: Attempt[] = [];
  for (const url of candidates) {
    const partial = join(options.sourceCache, `${PARTIAL_PREFIX}${process.pid}-${partialCounter++}-${uri.fileName}`);
    try {
      const got = await downloadToFile(url, partial, {
        timeoutMs: options.timeoutMs,
        md5: expected.md5 !== undefined,
        onData: (received, total) => options.onProgress?.({ uri, url, received, total, state: 'downloading' }),
      });
      const mismatch = got.sha256 !== expected.sha256 ? 'sha256' : expected.md5 !== undefined && got.md5 !== expected.md5 ? 'md5' : undefined;
      if (mismatch !== undefined) {
        rmSync(partial, { force: true });
        const actual = mismatch === 'sha256' ? got.sha256 : got.md5;
        const wanted = mismatch === 'sha256' ? expected.sha256 : expected.md5;
        attempts.push({ url, reason: `${mismatch} ${actual}, expected ${wanted}`, actualSha256: got.sha256 });
        continue;
      }
      mkdirSync(join(options.sourceCache, expected.sha256), { recursive: true });
      renameSync(partial, cached);
      options.onProgress?.({ uri, url, received: got.bytes, total: got.bytes, state: 'done' });
      return { uri, path: cached, sha256: expected.sha256 };
    } catch (err) {
      rmSync(partial, { force: true });
      if (!isHacktreeError(err, 'FETCH_FAILED')) {
        removeEmptyDir(join(options.sourceCache, expected.sha256));
        throw err;
      }
      attempts.push({ url, reason: String(err.data.reason), status: err.data.status as number | undefined, errno: err.data.errno as string | undefined });
    }
  }
  throw fetchError(uri, expected, attempts);
}

function fetchError(uri: SrcUri, expected: ExpectedSums, attempts: Attempt[]): HacktreeError {
  const tried = attempts.map((attempt) => `${attempt.url} (${attempt.reason})`).join('; ');
  const data = { url: uri.url, fileName: uri.fileName, expectedSha256: expected.sha256, attempts };
  const mismatched = attempts.filter((attempt) => attempt.actualSha256 !== undefined);
  if (mismatched.length > 0) {
    return new HacktreeError('CHECKSUM_MISMATCH', `${uri.fileName}: the download does not match its checksum: expected sha256 ${expected.sha256}; tried ${tried}`, {
      hint: 'the file changed upstream or on a mirror; if the new file is right, update SRC_URI[sha256sum] in the recipe (nothing was kept in the source cache)',
      data: { ...data, actualSha256: mismatched[0]!.actualSha256 },
    });
  }
  return new HacktreeError('FETCH_FAILED', `could not download ${uri.fileName}: tried ${tried}`, {
    hint: 'check the network, the URL in SRC_URI, or add a mirror (PREMIRRORS/MIRRORS); nothing was kept in the source cache',
    data,
  });
}

function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Removes the <sha256> directory a failed rename left empty; anything else there stays. */
function removeEmptyDir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch (err) {
    if (!['ENOENT', 'ENOTDIR', 'ENOTEMPTY', 'EEXIST'].includes(errnoOf(err) ?? '')) throw err;
  }
}

/** Downloads a killed hacktree left behind (their pid is in the name). */
function removeDeadPartials(cache: string): void {
  for (const name of listDirectory(cache)) {
    if (!name.startsWith(PARTIAL_PREFIX)) continue;
    const pid = Number(/^\.partial-(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) rmSync(join(cache, name), { force: true });
  }
}
