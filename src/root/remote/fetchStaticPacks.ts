import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import { redactUrl } from '../../model/remote/redactUrl.js';
import type { StaticIndex } from '../../model/static/staticIndex.js';
import { withLockFile } from '../../platform/fs/lockFile.js';
import { downloadResumable } from '../../platform/http/downloadResumable.js';
import { failpoint } from '../../platform/process/failpoint.js';
import type { ProgressCallback } from '../../store/blobs/storeFilesInParallel.js';
import type { Remote } from '../../store/remote/remoteConfig.js';
import type { Repository } from '../../store/repository/repository.js';
import { indexStaticPack } from '../../store/static/indexStaticPack.js';
import { staticRemoteFailed } from './staticRemoteFailed.js';

/** Where a cut pack download waits to be resumed: beside the objects, which is what it will become. */
const INCOMING_DIR = join('objects', 'hacktree-incoming');

export interface FetchedStaticPacks {
  /** Bytes that travelled. */
  bytes: number;
  /** The git packs this call indexed (not those another pull indexed meanwhile). */
  indexed: string[];
}

/** Downloads, checks and indexes the packs, `parallel` at a time. */
export async function fetchStaticPacks(repo: Repository, remote: Remote, base: string, index: StaticIndex, ids: readonly string[], options: { parallel?: number; onProgress?: ProgressCallback }): Promise<FetchedStaticPacks> {
  const indexed: string[] = [];
  if (ids.length === 0) return { bytes: 0, indexed };
  mkdirSync(join(repo.dir, INCOMING_DIR), { recursive: true });
  const total = ids.reduce((sum, id) => sum + index.packs[id]!.size, 0);
  let bytes = 0;
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < ids.length) {
      const id = ids[next++]!;
      await fetchPack(repo, remote, base, index, id, (n) => {
        bytes += n;
        options.onProgress?.('downloading packs', bytes, total);
      }).then((here) => {
        if (here) indexed.push(index.packs[id]!.gitPack);
      }).catch((err: unknown) => {
        failure ??= err;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel ?? 4, ids.length) }, worker));
  if (failure !== undefined) throw failure;
  return { bytes, indexed };
}

/**
 * One pack, under a lock of its own: two pulls into one repository would otherwise append to
 * the same part file. The second finds the pack indexed once the first is done. True when this
 * call indexed it.
 */
async function fetchPack(repo: Repository, remote: Remote, base: string, index: StaticIndex, id: string, onBytes: (n: number) => void): Promise<boolean> {
  const busy = (holder: string) => new HacktreeError('REPO_BUSY', `pack ${id} is being downloaded into ${repo.dir} by process ${holder}`, {
    hint: 'wait for the other pull to finish and try again (HACKTREE_LOCK_TIMEOUT sets how long to wait, in seconds)',
    data: { repo: repo.dir, holder },
  });
  return withLockFile(join(repo.dir, INCOMING_DIR, `${id}.lock`), { busy }, async () => {
    if (existsSync(join(repo.dir, 'objects', 'pack', `pack-${index.packs[id]!.gitPack}.idx`))) return false;
    await fetchPackLocked(repo, remote, base, index, id, onBytes);
    return true;
  });
}

async function fetchPackLocked(repo: Repository, remote: Remote, base: string, index: StaticIndex, id: string, onBytes: (n: number) => void): Promise<void> {
  const pack = index.packs[id]!;
  const url = `${base}packs/${id}.pack.zst`;
  const part = join(repo.dir, INCOMING_DIR, `${id}.pack.zst.part`);
  try {
    await downloadResumable(url, part, { size: pack.size, onBytes });
  } catch (err) {
    if (isHacktreeError(err, 'FETCH_FAILED') && err.data.status === 404) {
      throw new HacktreeError('STATIC_PACK_MISSING', `remote "${remote.name}" names pack ${id} (${pack.kind} ${pack.name}) in its index but does not serve ${redactUrl(url)} (HTTP 404)`, {
        hint: 'the published repository is incomplete (a pack deleted or not uploaded): publish it again; nothing was changed here',
        data: { remote: remote.name, pack: id },
      });
    }
    if (isHacktreeError(err, 'FETCH_FAILED')) {
      throw staticRemoteFailed(remote, `the download of pack ${id} broke (what arrived is kept: the next pull resumes it): ${err.message}`, err, 'run the pull again when the server is back: the pack continues where it stopped (a Range request)');
    }
    throw err;
  }
  const got = await sha256OfFile(part);
  if (got.sha256 !== id || got.size !== pack.size) {
    rmSync(part, { force: true });
    throw new HacktreeError('STATIC_PACK_MISMATCH', `pack ${redactUrl(url)} from remote "${remote.name}" is not the one its index names: ${got.size} bytes with sha256 ${got.sha256}, where the index says ${pack.size} bytes with sha256 ${id}`, {
      hint: 'the server holds a damaged or substituted pack (or a cache in between does): nothing from it was kept; publish again or fix the server, then pull again',
      data: { remote: remote.name, pack: id, sha256: got.sha256, size: got.size },
    });
  }
  failpoint('static-pull-before-index-pack');
  let name: string;
  try {
    name = await indexStaticPack(repo, part, `pack ${id} (${redactUrl(url)}) from remote "${remote.name}"`);
  } catch (err) {
    // A pack that collides with objects here is not kept for the next pull to resume.
    if (isHacktreeError(err, 'PACK_OBJECT_COLLISION')) rmSync(part, { force: true });
    throw err;
  }
  // Off the main thread: unlinking tens of megabytes just written took a third of a second there.
  await rm(part, { force: true });
  if (name !== pack.gitPack) {
    throw new HacktreeError('PACK_INVALID', `pack ${id} from remote "${remote.name}" is git pack ${name}, where its index says ${pack.gitPack}`, {
      hint: 'the published index does not match its packs: publish again',
      data: { remote: remote.name, pack: id },
    });
  }
}

async function sha256OfFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}
