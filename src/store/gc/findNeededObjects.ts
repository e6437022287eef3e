import { FILES_ENTRY, META_ENTRY } from '../../model/git/commitLayout.js';
import { parseCommit, type GitCommit } from '../../model/git/gitCommit.js';
import { parseTree } from '../../model/git/gitTree.js';
import { isOid, type Oid } from '../../model/git/oid.js';
import { readLooseObject, readObject, type GitObject } from '../objects/objectStore.js';
import { rawEntryPath } from '../raw/rawCache.js';
import { readSnapshot } from '../snapshot/readSnapshot.js';
import type { Repository } from '../repository/repository.js';
import { readShallowCommits } from '../objects/shallowCommits.js';

/** Where a walk starts, and how much of the history behind it is needed. */
export interface NeededTip {
  oid: Oid;
  /** 'all': every ancestor; 'self': the commit alone; a cut: newest commits of the first-parent history. */
  history: 'all' | 'self' | HistoryCut;
}

/** The first-parent history kept from a tip: the tip always, then while every limit holds. */
export interface HistoryCut {
  /** Keep at most this many commits (the tip counts; at least the tip is kept). */
  keep?: number;
  /** Keep no commit whose committer time (seconds since the epoch) is earlier. */
  notBefore?: number;
  /** Keep going past the limits until a commit this accepts has been kept (a local branch's record). */
  through?: (commit: GitCommit) => boolean;
}

export interface NeededObjects {
  commits: Set<Oid>;
  /** Every object the commits need: commits, trees, blobs, tags. */
  objects: Set<Oid>;
  /** Kept commits with a parent that is not kept: the new `shallow` file. */
  shallow: Set<Oid>;
  /** Raw cache paths the kept commits' snapshots need. */
  rawPaths: Set<string>;
}

/**
 * What the repository must keep for these tips: reads only, removes nothing. A missing or corrupt
 * object on the way is an error (OBJECT_MISSING / OBJECT_CORRUPT), so nothing is ever removed on
 * a partial picture.
 */
export async function findNeededObjects(repo: Repository, tips: readonly NeededTip[]): Promise<NeededObjects> {
  const oldShallow = readShallowCommits(repo);
  const commits = new Map<Oid, GitCommit>();
  const objects = new Set<Oid>();
  const load = async (oid: Oid): Promise<GitObject> => readLooseObject(repo, oid) ?? (await readObject(repo, oid));
  const commitOf = async (oid: Oid): Promise<GitCommit> => {
    const known = commits.get(oid);
    if (known) return known;
    const commit = parseCommit((await load(oid)).body, oid);
    if (oldShallow.has(oid)) commit.parents = [];
    return commit;
  };
  const keep = (oid: Oid, commit: GitCommit) => commits.set(oid, commit);
  const walkedAll = new Set<Oid>();

  for (const tip of tips) {
    const start = await peel(tip.oid, load, objects);
    if (start === null) continue;
    if (tip.history === 'self') keep(start, await commitOf(start));
    else if (tip.history === 'all') {
      const pending = [start];
      while (pending.length > 0) {
        const oid = pending.pop()!;
        // Its own set: a commit kept alone (deployed) or by a cut still has its ancestors walked here.
        if (walkedAll.has(oid)) continue;
        walkedAll.add(oid);
        const commit = await commitOf(oid);
        keep(oid, commit);
        pending.push(...commit.parents);
      }
    } else await keepFirstParents(start, tip.history, commitOf, keep);
  }

  const shallow = new Set<Oid>();
  const trees = new Set<Oid>();
  const rawPaths = new Set<string>();
  for (const [oid, commit] of commits) {
    objects.add(oid);
    if (commit.parents.some((p) => !commits.has(p)) || (oldShallow.has(oid) && commit.parents.length === 0 && (await hasParents(oid, load)))) shallow.add(oid);
    if (trees.has(commit.tree)) continue;
    await walkTree(commit.tree, load, objects, trees);
    await collectRawPaths(repo, commit.tree, load, rawPaths);
  }
  return { commits: new Set(commits.keys()), objects, shallow, rawPaths };
}

async function keepFirstParents(
  start: Oid,
  cut: HistoryCut,
  commitOf: (oid: Oid) => Promise<GitCommit>,
  keep: (oid: Oid, commit: GitCommit) => void,
): Promise<void> {
  let oid: Oid | undefined = start;
  let kept = 0;
  let through = cut.through === undefined;
  while (oid !== undefined) {
    const commit = await commitOf(oid);
    const withinLimits = kept === 0 || (kept < (cut.keep ?? Infinity) && commit.committer.timestamp >= (cut.notBefore ?? -Infinity));
    if (!withinLimits && through) return;
    keep(oid, commit);
    kept++;
    through ||= cut.through!(commit);
    oid = commit.parents[0];
  }
}

/** A tag is kept and followed to what it names; returns the commit to walk, or null for a tree or blob (walked here). */
async function peel(oid: Oid, load: (oid: Oid) => Promise<GitObject>, objects: Set<Oid>): Promise<Oid | null> {
  let current = oid;
  for (let depth = 0; depth < 10; depth++) {
    const object = await load(current);
    if (object.type === 'commit') return current;
    objects.add(current);
    if (object.type === 'tree') await walkTree(current, load, objects, new Set());
    if (object.type !== 'tag') return null;
    const target = /^object ([0-9a-f]{40})$/m.exec(object.body.toString('utf8'))?.[1];
    if (target === undefined || !isOid(target)) return null;
    current = target;
  }
  return null;
}

async function walkTree(top: Oid, load: (oid: Oid) => Promise<GitObject>, objects: Set<Oid>, trees: Set<Oid>): Promise<void> {
  const pending = [top];
  while (pending.length > 0) {
    const tree = pending.pop()!;
    if (trees.has(tree)) continue;
    trees.add(tree);
    objects.add(tree);
    for (const entry of parseTree((await load(tree)).body, tree)) {
      if (entry.mode === '40000') pending.push(entry.oid);
      else objects.add(entry.oid);
    }
  }
}

/** The raw objects of a hacktree snapshot; nothing for a tree that is not one. */
async function collectRawPaths(repo: Repository, tree: Oid, load: (oid: Oid) => Promise<GitObject>, rawPaths: Set<string>): Promise<void> {
  const top = parseTree((await load(tree)).body, tree);
  if (!top.some((e) => e.name === FILES_ENTRY) || !top.some((e) => e.name === META_ENTRY)) return;
  for (const entry of (await readSnapshot(repo, tree)).entries) if (entry.kind !== 'dir') rawPaths.add(rawEntryPath(repo, entry));
}

async function hasParents(oid: Oid, load: (oid: Oid) => Promise<GitObject>): Promise<boolean> {
  return parseCommit((await load(oid)).body, oid).parents.length > 0;
}
