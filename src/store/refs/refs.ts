import { mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { statIfExists } from '../../platform/fs/statIfExists.js';
import { isOid, type Oid } from '../../model/git/oid.js';
import { validateRefName } from '../../model/git/refName.js';
import { writeFileAtomic } from '../repository/atomicWrite.js';
import { damagedRefsError } from './damagedRef.js';
import { holdsFiles, lookupRef } from './lookupRef.js';
import { readPackedRefsFile, type PackedRefsFile } from './packedRefsFile.js';
import type { Repository } from '../repository/repository.js';
import { scanRefs } from './scanRefs.js';

/** Full ref name for a branch ("root-x" -> "refs/heads/root-x"); full names pass through. */
export function branchRef(branch: string): string {
  return branch.startsWith('refs/') ? validateRefName(branch) : `refs/heads/${validateRefName(branch)}`;
}

// Refs are read here rather than through isomorphic-git, whose loading is a large part of a
// checkout's budget (docs/decisions/0013-start-up-time.md); loose refs plus packed-refs are all
// a bare repository has.

/** packed-refs, read at most once, and only if some ref is not loose. */
function packedOnDemand(repo: Repository): () => PackedRefsFile {
  let packed: PackedRefsFile | undefined;
  return () => (packed ??= readPackedRefsFile(repo));
}

/**
 * The commit a ref points to (loose, else packed; symbolic refs followed), or null when it does
 * not exist. A ref that exists but cannot be read is REF_DAMAGED, never null: taking it for
 * absent would start a new history over the old one, or let prune delete it.
 */
export async function readRef(repo: Repository, ref: string): Promise<Oid | null> {
  const read = lookupRef(repo, ref, packedOnDemand(repo));
  if (read.state === 'damaged') throw damagedRefsError(repo, [read.damaged]);
  return read.state === 'found' ? read.oid : null;
}

/**
 * Resolves what a user typed: a full ref, a branch, a tag, or an object id. Throws REF_NOT_FOUND
 * naming what was tried.
 */
export async function resolveRevision(repo: Repository, revision: string): Promise<Oid> {
  if (isOid(revision)) return revision;
  // As git's lookup: a bare name is a ref of its own only in capitals (HEAD); "config" is a file of the repository.
  const own = revision.startsWith('refs/') || /^[A-Z][A-Z_]*$/.test(revision) ? [revision] : [];
  for (const candidate of [...own, `refs/heads/${revision}`, `refs/tags/${revision}`]) {
    if (candidate.includes('..') || candidate.includes('\0')) continue;
    const oid = await readRef(repo, candidate);
    if (oid) return oid;
  }
  throw new HacktreeError('REF_NOT_FOUND', `no branch, ref or commit named "${revision}" in ${repo.dir}`, {
    hint: 'list roots with "hacktree root list", or give a full ref or a 40-digit commit id',
    data: { ref: revision },
  });
}

/**
 * Moves a ref atomically. Callers hold the repository lock; `expected` (null: must not exist)
 * guards against a concurrent change made outside hacktree.
 */
export async function updateRef(repo: Repository, ref: string, oid: Oid, expected?: Oid | null): Promise<void> {
  validateRefName(ref);
  if (expected !== undefined) {
    const current = await readRef(repo, ref);
    if (current !== expected) {
      throw new HacktreeError('REPO_BUSY', `ref ${ref} moved while hacktree was writing (now ${current ?? 'absent'})`, {
        hint: 'another program changed the repository; run the command again',
        data: { ref, expected, current },
      });
    }
  }
  checkRefCreatable(repo, ref);
  const path = join(repo.dir, ref);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(repo, path, [Buffer.from(`${oid}\n`)]);
}

/**
 * REF_NAME_INVALID when `ref` cannot exist beside the refs there are: git keeps no ref whose
 * name is a folder of other refs (refs/heads/a beside refs/heads/a/b), on disk or in packed-refs.
 */
export function checkRefCreatable(repo: Repository, ref: string): void {
  const packed = packedOnDemand(repo);
  const parts = ref.split('/');
  let clash: string | undefined;
  for (let i = 2; i < parts.length && clash === undefined; i++) {
    const outer = parts.slice(0, i).join('/');
    if (isNonDirectory(join(repo.dir, outer)) || packed().refs.has(outer)) clash = `ref ${outer} exists`;
  }
  if (clash === undefined && isDirectory(join(repo.dir, ref)) && holdsFiles(join(repo.dir, ref))) clash = `${ref}/ holds other refs`;
  const packedBelow = [...packed().refs.keys()].find((name) => name.startsWith(`${ref}/`));
  if (clash === undefined && packedBelow !== undefined) clash = `ref ${packedBelow} exists`;
  if (clash === undefined) return;
  throw new HacktreeError('REF_NAME_INVALID', `ref ${ref} cannot be made in ${repo.dir}: ${clash}, and git keeps no ref beside refs below its name`, {
    hint: 'choose another name',
    data: { ref, conflict: clash },
  });
}

function isNonDirectory(path: string): boolean {
  const entry = statIfExists(path, { followSymlinks: false });
  return entry !== null && !entry.isDirectory();
}

function isDirectory(path: string): boolean {
  return statIfExists(path, { followSymlinks: false })?.isDirectory() === true;
}

/**
 * Refs under a prefix ("refs/heads/"), loose and packed, with their commits, sorted by name.
 * REF_DAMAGED when any of them cannot be read: a list missing one would be taken as complete.
 */
export async function listRefs(repo: Repository, prefix: string): Promise<Array<{ ref: string; oid: Oid }>> {
  const scan = scanRefs(repo, prefix);
  if (scan.damaged.length > 0) throw damagedRefsError(repo, scan.damaged);
  return scan.refs;
}

/** Deletes a ref (loose and packed) and, as git does, the folders it leaves empty. The caller holds the repository lock. */
export async function deleteRef(repo: Repository, ref: string): Promise<void> {
  const packed = readPackedRefsFile(repo);
  const inPacked = packed.refs.delete(ref);
  // Rewriting packed-refs would drop the lines it cannot read.
  if (inPacked && packed.damaged.length > 0) throw damagedRefsError(repo, packed.damaged, `deleting ${ref}`);
  rmSync(join(repo.dir, ref), { force: true });
  removeEmptyFolders(repo, ref);
  if (inPacked) {
    const body = [...packed.refs].map(([name, oid]) => `${oid} ${name}`).join('\n');
    writeFileAtomic(repo, join(repo.dir, 'packed-refs'), [Buffer.from(`${body}\n`)]);
  }
}

/**
 * Removes the folders of a deleted ref that are left empty, up to refs/X/ (spared, as git spares
 * them): an empty folder elsewhere may be all that is left of a ref, which fsck reports.
 */
function removeEmptyFolders(repo: Repository, ref: string): void {
  const parts = ref.split('/');
  for (let i = parts.length - 1; i > 2; i--) {
    try {
      rmdirSync(join(repo.dir, ...parts.slice(0, i)));
    } catch (err) {
      if (['ENOTEMPTY', 'EEXIST', 'ENOENT', 'ENOTDIR'].includes(errnoOf(err) ?? '')) return;
      throw err;
    }
  }
}
