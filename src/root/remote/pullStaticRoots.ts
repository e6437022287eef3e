import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import type { Oid } from '../../model/git/oid.js';
import { redactUrl } from '../../model/remote/redactUrl.js';
import { failpoint } from '../../platform/process/failpoint.js';
import type { ProgressCallback } from '../../store/blobs/storeFilesInParallel.js';
import { readShallowCommits, writeShallowCommits } from '../../store/objects/shallowCommits.js';
import { readRef } from '../../store/refs/refs.js';
import { recordStaticIndex, type Remote } from '../../store/remote/remoteConfig.js';
import { withRepoLock } from '../../store/repository/repoLock.js';
import type { Repository } from '../../store/repository/repository.js';
import { runGit } from '../../store/repository/runGit.js';
import { checkPulledCommit, movePulledBranches, type PulledRoot } from './acceptPulledRoots.js';
import { fetchStaticPacks } from './fetchStaticPacks.js';
import { readStaticIndex } from './readStaticIndex.js';
import { remoteBranch } from './remoteBranch.js';

export interface StaticPullOptions {
  roots: readonly string[];
  onProgress?: ProgressCallback;
  /** Packs downloaded at once (default 4). */
  parallel?: number;
  /** Accept an index past its expiry (pull --allow-expired). */
  allowExpired?: boolean;
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


/**
 * `hacktree pull REMOTE ROOT...` from a static repository (docs/static.md): read the index and,
 * when the remote has --verify, its signature; refuse an index older than the last one
 * accepted; download the packs the roots need that are not here, in parallel, each resumed by
 * Range after a cut and checked against the index's sha256 before every object in it is
 * checked (indexStaticPack); then the same checks as a git pull (checkPulledCommit), and the branches move
 * together (movePulledBranches), the index's serial recorded with them.
 */
export async function pullStaticRoots(repo: Repository, remote: Remote, options: StaticPullOptions): Promise<StaticPullResult> {
  const base = remote.url.endsWith('/') ? remote.url : `${remote.url}/`;
  const { index, sha256 } = await readStaticIndex(remote, base, { allowExpired: options.allowExpired });
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
    // With its first parent here, the delta pack stands in for the root packs (and for the
    // deltas of earlier versions that a layered version lists with them).
    const useDelta = delta !== undefined && (await isOnABranch(repo, delta.from));
    for (const id of packs) needed.add(useDelta && index.packs[id]!.kind !== 'component' ? delta.pack : id);
  }
  const missing = [...needed].filter((id) => {
    const here = existsSync(join(repo.dir, 'objects', 'pack', `pack-${index.packs[id]!.gitPack}.idx`));
    if (here) packsHere++;
    return !here;
  });
  const { bytes: bytesFetched, indexed } = await fetchStaticPacks(repo, remote, base, index, missing, options);
  const pulled: PulledRoot[] = [];
  for (const [branch, commit] of wanted) {
    const previous = await readRef(repo, `refs/heads/${branch}`);
    const rawEntries = await checkPulledCommit(repo, remote, branch, commit, { onProgress: options.onProgress, verifiedPacks: indexed });
    pulled.push({ branch, commit, previous, rawEntries });
  }
  failpoint('pull-after-checks');
  const shallow = await withoutSoundParents(repo, [...wanted.values()]);
  if (shallow.length > 0) await withRepoLock(repo, () => writeShallowCommits(repo, new Set([...readShallowCommits(repo), ...shallow])));
  await movePulledBranches(repo, remote, pulled, () => recordStaticIndex(repo, remote.name, index.serial, sha256));
  return { remote: remote.name, pulled, serial: index.serial, packsFetched: missing.length, packsHere, bytesFetched };
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

/**
 * The pulled commits with a parent whose history this repository does not hold complete: git's
 * shallow file names them. A parent merely present is not enough: a layered version's packs
 * carry its ancestors' commits (in their parents' root and delta packs) without their
 * components, or their own parents; a walk from them would find objects missing. A parent a
 * branch holds passed a pull's checks (or was made here), one pulled now is checked by it.
 */
async function withoutSoundParents(repo: Repository, commits: readonly Oid[]): Promise<Oid[]> {
  const pulled = new Set(commits);
  const out: Oid[] = [];
  for (const commit of pulled) {
    const run = await runGit(repo, ['rev-parse', `${commit}^@`]);
    const parents = run.stdout.split('\n').filter((l) => l !== '') as Oid[];
    for (const parent of parents) {
      if (!pulled.has(parent) && !(await isOnABranch(repo, parent))) {
        out.push(commit);
        break;
      }
    }
  }
  return out;
}
