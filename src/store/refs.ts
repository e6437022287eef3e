import * as fs from 'node:fs';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import git from 'isomorphic-git';
import { HacktreeError } from '../errors/HacktreeError.js';
import { isOid, type Oid } from '../model/oid.js';
import { validateRefName } from '../model/refName.js';
import { writeFileAtomic } from './atomicWrite.js';
import type { Repository } from './repository.js';

/** Full ref name for a branch ("root-x" -> "refs/heads/root-x"); full names pass through. */
export function branchRef(branch: string): string {
  return branch.startsWith('refs/') ? validateRefName(branch) : `refs/heads/${validateRefName(branch)}`;
}

/** The commit a ref points to, or null when there is no such ref (loose or packed). */
export async function readRef(repo: Repository, ref: string): Promise<Oid | null> {
  try {
    return (await git.resolveRef({ fs, gitdir: repo.dir, ref })) as Oid;
  } catch (err) {
    if ((err as { code?: string }).code === 'NotFoundError') return null;
    throw err;
  }
}

/**
 * Resolves what a user typed: a full ref, a branch, a tag, or an object id. Throws REF_NOT_FOUND
 * naming what was tried.
 */
export async function resolveRevision(repo: Repository, revision: string): Promise<Oid> {
  if (isOid(revision)) return revision;
  for (const candidate of [revision, `refs/heads/${revision}`, `refs/tags/${revision}`]) {
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
  const path = join(repo.dir, ref);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(repo, path, [Buffer.from(`${oid}\n`)]);
}

/** Refs under a prefix ("refs/heads/") with their commits, sorted by name. */
export async function listRefs(repo: Repository, prefix: string): Promise<Array<{ ref: string; oid: Oid }>> {
  const names = await git.listRefs({ fs, gitdir: repo.dir, filepath: prefix.replace(/\/$/, '') });
  const out: Array<{ ref: string; oid: Oid }> = [];
  for (const name of names.sort()) {
    const ref = `${prefix.replace(/\/$/, '')}/${name}`;
    const oid = await readRef(repo, ref);
    if (oid) out.push({ ref, oid });
  }
  return out;
}
