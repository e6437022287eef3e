import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import type { Oid } from '../../model/git/oid.js';
import { redactUrl } from '../../model/remote/redactUrl.js';
import { parseStaticIndex, STATIC_INDEX_NAMESPACE, type StaticIndex } from '../../model/static/staticIndex.js';
import { downloadResumable } from '../../platform/http/downloadResumable.js';
import { fetchBytes } from '../../platform/http/fetchBytes.js';
import { failpoint } from '../../platform/process/failpoint.js';
import { withLockFile } from '../../platform/fs/lockFile.js';
import type { ProgressCallback } from '../../store/blobs/storeFilesInParallel.js';
import { readShallowCommits, writeShallowCommits } from '../../store/objects/shallowCommits.js';
import { readRef } from '../../store/refs/refs.js';
import { recordStaticIndex, type Remote } from '../../store/remote/remoteConfig.js';
import { withRepoLock } from '../../store/repository/repoLock.js';
import type { Repository } from '../../store/repository/repository.js';
import { runGit } from '../../store/repository/runGit.js';
import { verifyPayloadSignature } from '../../store/signatures/verifyPayloadSignature.js';
import { indexStaticPack } from '../../store/static/indexStaticPack.js';
import { checkPulledCommit, movePulledBranches, type PulledRoot } from './acceptPulledRoots.js';
import { remoteBranch } from './remoteBranch.js';

export interface StaticPullOptions {
  roots: readonly string[];
  onProgress?: ProgressCallback;
  /** Packs downloaded at once (default 4). */
  parallel?: number;
}

export interface StaticPullResult {
  remote: string;
  pulled: PulledRoot[];
  serial: number;
  packsFetched: number;
  /** Packs the roots need that this repository already holds. */
  packsHere: number;
  /** Bytes that came over the network for packs in this pull (a resumed one counts its rest). */
  bytesFetched: number;
}

/** Where a cut pack download waits to be resumed: beside the objects, which is what it will become. */
const INCOMING_DIR = join('objects', 'hacktree-incoming');
const MAX_INDEX_BYTES = 256 << 20;

/**
 * `hacktree pull REMOTE ROOT...` from a static repository (docs/static.md): read the index and,
 * when the remote has --verify, its signature; refuse an index older than the last one
 * accepted; download the packs the roots need that are not here, in parallel, each resumed by
 * Range after a cut and checked against the index's sha256 before `git index-pack` checks
 * every object in it; then the same checks as a git pull (checkPulledCommit), and the branches move
 * together (movePulledBranches), the index's serial recorded with them.
 */
export async function pullStaticRoots(repo: Repository, remote: Remote, options: StaticPullOptions): Promise<StaticPullResult> {
  const base = remote.url.endsWith('/') ? remote.url : `${remote.url}/`;
  const { index, sha256 } = await readIndex(remote, base);
  const branches = [...new Set(options.roots.map(remoteBranch))];
  const wanted = new Map<string, Oid>();
  for (const branch of branches) {
    const commit = index.roots[branch];
    if (commit === undefined) {
      throw new HacktreeError('REF_NOT_FOUND', `remote "${remote.name}" (${redactUrl(base)}) publishes no ${branch}`, {
        hint: `it publishes ${Object.keys(index.roots).join(', ') || 'no root'}`,
        data: { remote: remote.name, branch },
      });
    }
    wanted.set(branch, commit);
  }
  const needed = new Set<string>();
  let packsHere = 0;
  for (const commit of new Set(wanted.values())) {
    if (await isOnABranch(repo, commit)) continue;
    const { packs, delta } = index.commits[commit]!;
    // With its first parent here, the delta pack stands in for the root pack.
    const useDelta = delta !== undefined && (await isOnABranch(repo, delta.from));
    for (const id of packs) needed.add(useDelta && index.packs[id]!.kind === 'root' ? delta.pack : id);
  }
  const missing = [...needed].filter((id) => {
    const here = existsSync(join(repo.dir, 'objects', 'pack', `pack-${index.packs[id]!.gitPack}.idx`));
    if (here) packsHere++;
    return !here;
  });
  const bytesFetched = await fetchPacks(repo, remote, base, index, missing, options);
  const pulled: PulledRoot[] = [];
  for (const [branch, commit] of wanted) {
    const previous = await readRef(repo, `refs/heads/${branch}`);
    const rawEntries = await checkPulledCommit(repo, remote, branch, commit, options.onProgress);
    pulled.push({ branch, commit, previous, rawEntries });
  }
  failpoint('pull-after-checks');
  const shallow = await withoutParents(repo, [...wanted.values()]);
  if (shallow.length > 0) await withRepoLock(repo, () => writeShallowCommits(repo, new Set([...readShallowCommits(repo), ...shallow])));
  await movePulledBranches(repo, remote, pulled, () => recordStaticIndex(repo, remote.name, index.serial, sha256));
  return { remote: remote.name, pulled, serial: index.serial, packsFetched: missing.length, packsHere, bytesFetched };
}

async function readIndex(remote: Remote, base: string): Promise<{ index: StaticIndex; sha256: string }> {
  const where = `the index of remote "${remote.name}" (${redactUrl(base)}index.json)`;
  const bytes = await fetchBytes(`${base}index.json`, { maxBytes: MAX_INDEX_BYTES }).catch((err: unknown) => {
    throw remoteFailed(remote, `could not read ${where}: ${(err as Error).message}`, err);
  });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (remote.verify) {
    const signature = await fetchBytes(`${base}signatures/${sha256}.sig`, { maxBytes: 1 << 20 }).catch((err: unknown) => {
      if (isHacktreeError(err, 'FETCH_FAILED') && err.data.status === 404) {
        throw new HacktreeError('SIGNATURE_INVALID', `${where} is not signed (no signatures/${sha256}.sig), and the remote requires signatures`, {
          hint: 'the publisher signs the index with "hacktree publish DIR --sign KEY"; nothing was changed',
          data: { remote: remote.name },
        });
      }
      throw remoteFailed(remote, `could not read the signature of ${where}: ${(err as Error).message}`, err);
    });
    verifyPayloadSignature(bytes, signature, { allowedSigners: remote.allowedSigners!, namespace: STATIC_INDEX_NAMESPACE, what: where });
  }
  const index = parseStaticIndex(bytes, where);
  const seen = remote.indexSerial;
  if (seen !== undefined && (index.serial < seen || (index.serial === seen && sha256 !== remote.indexSha256))) {
    throw new HacktreeError('STATIC_INDEX_ROLLBACK', `${where} has serial ${index.serial}, ${index.serial < seen ? 'older than' : 'the same as, but different from,'} the index ${seen} a pull already accepted: refused (an old index replayed would roll roots back)`, {
      hint: 'the server (or a mirror or cache in between) serves an old copy: wait until it has the newest index, or ask the publisher; nothing was changed',
      data: { remote: remote.name, serial: index.serial, seen },
    });
  }
  return { index, sha256 };
}

/** Downloads, checks and indexes the packs, `parallel` at a time; returns the bytes that travelled. */
async function fetchPacks(repo: Repository, remote: Remote, base: string, index: StaticIndex, ids: readonly string[], options: StaticPullOptions): Promise<number> {
  if (ids.length === 0) return 0;
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
      }).catch((err: unknown) => {
        failure ??= err;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel ?? 4, ids.length) }, worker));
  if (failure !== undefined) throw failure;
  return bytes;
}

/**
 * One pack, under a lock of its own: two pulls into one repository would otherwise append to
 * the same part file. The second finds the pack indexed once the first is done.
 */
async function fetchPack(repo: Repository, remote: Remote, base: string, index: StaticIndex, id: string, onBytes: (n: number) => void): Promise<void> {
  const busy = (holder: string) => new HacktreeError('REPO_BUSY', `pack ${id} is being downloaded into ${repo.dir} by process ${holder}`, {
    hint: 'wait for the other pull to finish and try again (HACKTREE_LOCK_TIMEOUT sets how long to wait, in seconds)',
    data: { repo: repo.dir, holder },
  });
  await withLockFile(join(repo.dir, INCOMING_DIR, `${id}.lock`), { busy }, async () => {
    if (!existsSync(join(repo.dir, 'objects', 'pack', `pack-${index.packs[id]!.gitPack}.idx`))) await fetchPackLocked(repo, remote, base, index, id, onBytes);
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
      throw remoteFailed(remote, `the download of pack ${id} broke (what arrived is kept: the next pull resumes it): ${err.message}`, err, 'run the pull again when the server is back: the pack continues where it stopped (a Range request)');
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
  const name = await indexStaticPack(repo, part, `pack ${id} from remote "${remote.name}"`);
  rmSync(part, { force: true });
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

/**
 * A commit some branch holds passed a pull's checks, or was made here: its snapshot is complete.
 * One that is merely present may come from packs of a pull that failed before the rest arrived.
 */
async function isOnABranch(repo: Repository, commit: Oid): Promise<boolean> {
  if (!(await hasObject(repo, commit))) return false;
  const run = await runGit(repo, ['for-each-ref', '--count=1', '--format=%(refname)', `--contains=${commit}`, 'refs/heads/', 'refs/remotes/']);
  return run.status === 0 && run.stdout.trim() !== '';
}

async function hasObject(repo: Repository, oid: Oid): Promise<boolean> {
  return (await runGit(repo, ['cat-file', '-e', oid])).status === 0;
}

/** The pulled commits with a parent this repository does not hold: git's shallow file names them. */
async function withoutParents(repo: Repository, commits: readonly Oid[]): Promise<Oid[]> {
  const out: Oid[] = [];
  for (const commit of new Set(commits)) {
    const run = await runGit(repo, ['rev-parse', `${commit}^@`]);
    const parents = run.stdout.split('\n').filter((l) => l !== '') as Oid[];
    for (const parent of parents) {
      if (!(await hasObject(repo, parent))) {
        out.push(commit);
        break;
      }
    }
  }
  return out;
}

function remoteFailed(remote: Remote, message: string, cause: unknown, hint = 'check that the server is up and serves the published directory at that URL, then run the pull again'): HacktreeError {
  return new HacktreeError('REMOTE_FAILED', message, { hint, data: { remote: remote.name, url: redactUrl(remote.url) }, cause });
}
