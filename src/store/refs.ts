import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HacktreeError } from '../errors/HacktreeError.js';
import { errnoOf } from '../errors/errnoOf.js';
import { isOid, type Oid } from '../model/oid.js';
import { parsePackedRefs } from '../model/packedRefs.js';
import { validateRefName } from '../model/refName.js';
import { writeFileAtomic } from './atomicWrite.js';
import type { Repository } from './repository.js';
import { listDirectory } from './listDirectory.js';

/** Full ref name for a branch ("root-x" -> "refs/heads/root-x"); full names pass through. */
export function branchRef(branch: string): string {
  return branch.startsWith('refs/') ? validateRefName(branch) : `refs/heads/${validateRefName(branch)}`;
}

// Refs are read here rather than through isomorphic-git: loading it costs ~90 ms, a third of a
// checkout's budget, and loose refs plus packed-refs are all a bare repository has.

function readTextIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'EISDIR' || errnoOf(err) === 'ENOTDIR') return null;
    throw err;
  }
}

function packedRefs(repo: Repository): Map<string, Oid> {
  const text = readTextIfExists(join(repo.dir, 'packed-refs'));
  return text === null ? new Map() : parsePackedRefs(text);
}

/** The commit a ref points to (loose, else packed; symbolic refs followed), or null. */
export async function readRef(repo: Repository, ref: string, depth = 0): Promise<Oid | null> {
  const loose = readTextIfExists(join(repo.dir, ref))?.trim();
  if (loose !== undefined) {
    if (isOid(loose)) return loose;
    if (loose.startsWith('ref: ') && depth < 5) return readRef(repo, loose.slice(5), depth + 1);
    return null;
  }
  return packedRefs(repo).get(ref) ?? null;
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

/** Refs under a prefix ("refs/heads/"), loose and packed, with their commits, sorted by name. */
export async function listRefs(repo: Repository, prefix: string): Promise<Array<{ ref: string; oid: Oid }>> {
  const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
  const found = new Map<string, Oid>();
  for (const [ref, oid] of packedRefs(repo)) if (ref.startsWith(base)) found.set(ref, oid);
  const walk = (dir: string, refDir: string): void => {
    for (const name of listDirectory(dir)) {
      const text = readTextIfExists(join(dir, name));
      if (text === null) walk(join(dir, name), `${refDir}${name}/`);
      else if (isOid(text.trim())) found.set(`${refDir}${name}`, text.trim() as Oid);
    }
  };
  walk(join(repo.dir, base), base);
  return [...found].sort(([a], [b]) => (a < b ? -1 : 1)).map(([ref, oid]) => ({ ref, oid }));
}

/** Deletes a ref (loose and packed). The caller holds the repository lock. */
export async function deleteRef(repo: Repository, ref: string): Promise<void> {
  rmSync(join(repo.dir, ref), { force: true });
  const packed = packedRefs(repo);
  if (packed.delete(ref)) {
    const body = [...packed].map(([name, oid]) => `${oid} ${name}`).join('\n');
    writeFileAtomic(repo, join(repo.dir, 'packed-refs'), [Buffer.from(`${body}\n`)]);
  }
}
