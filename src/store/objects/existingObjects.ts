import { HacktreeError } from '../../errors/HacktreeError.js';
import type { GitObjectType } from '../../model/git/gitObject.js';
import type { Oid } from '../../model/git/oid.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import { corrupt, readLooseObjectAsStored } from './objectStore.js';
import { packedObjectIds } from './packedObjectIds.js';
import { readPackedObject } from './packedObjectReader.js';
import type { Repository } from '../repository/repository.js';

/** Packed objects read (through git cat-file, pipelined) and not yet compared, at most. */
const IN_FLIGHT = 32;

export interface ExistingObjects {
  /**
   * Compares an incoming object with the one the repository has under its id, if any: the same
   * type, size and bytes, or PACK_OBJECT_COLLISION (thrown here or by `settle`).
   */
  check(oid: Oid, type: GitObjectType, body: Buffer): Promise<void>;
  /** Waits for the comparisons still under way; throws the first mismatch. */
  settle(): Promise<void>;
}

/**
 * What `git index-pack` does for every object it receives that the repository already has
 * (index-pack.c, "SHA1 COLLISION FOUND"): the stored bytes must be the incoming ones. An object
 * is named by node's plain SHA-1 (indexUndeltifiedPack), not git's collision-detecting one, so
 * without this a crafted pack could put a second object under an id the repository trusts
 * (a blob of a signed root from another remote). The ids come from one read of the .idx files
 * and one listing of objects/: a repository without objects costs nothing per object, and only
 * the objects it has are read. Null when the repository has no objects at all.
 * `what` names the pack in the error (e.g. `pack ID from remote "NAME"`).
 */
export function existingObjects(repo: Repository, what: string): ExistingObjects | null {
  const packed = packedObjectIds(repo);
  const fans = new Set(listDirectory(repo.objectsDir).filter((name) => /^[0-9a-f]{2}$/.test(name)));
  if (!packed.any && fans.size === 0) return null;
  const pending: Array<Promise<HacktreeError | null>> = [];
  const firstMismatch = async (): Promise<void> => {
    for (const result of await Promise.all(pending.splice(0))) if (result !== null) throw result;
  };
  return {
    async check(oid, type, body) {
      const loose = fans.has(oid.slice(0, 2)) ? readLooseObjectAsStored(repo, oid) : null;
      if (loose !== null) {
        const mismatch = compare(oid, type, body, loose, what);
        if (mismatch !== null) throw mismatch;
        return;
      }
      if (!packed.has(oid)) return;
      // The result, a mismatch or an error is kept as a value: a rejection nobody awaits yet
      // would be an unhandled one.
      pending.push(
        readPackedObject(repo, oid).then(
          (existing) => (existing === null ? null : compare(oid, type, body, existing, what)),
          (err: unknown) => (err instanceof HacktreeError ? err : corrupt(oid, 'git cannot read it', err)),
        ),
      );
      if (pending.length >= IN_FLIGHT) await firstMismatch();
    },
    settle: firstMismatch,
  };
}

/**
 * The comparison itself: null when the stored object is the incoming one, else the error that
 * refuses the pack.
 */
function compare(oid: Oid, type: GitObjectType, body: Buffer, existing: { type: GitObjectType; body: Buffer }, what: string): HacktreeError | null {
  if (existing.type === type && existing.body.equals(body)) return null;
  return new HacktreeError('PACK_OBJECT_COLLISION', `${what} holds object ${oid} (a ${type} of ${body.length} bytes), which is not the object this repository has under that id (a ${existing.type} of ${existing.body.length} bytes${existing.type === type && existing.body.length === body.length ? ', other bytes' : ''})`, {
    hint: `the remote serves an object that collides with one this repository has (a crafted SHA-1 collision, or the object here is damaged: "hacktree fsck" tells which); nothing of the pack was kept: do not trust that remote until this is understood, and report it`,
    data: { oid },
  });
}
