import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Oid } from '../../model/git/oid.js';
import { isValidRefName } from '../../model/git/refName.js';
import type { DamagedRef } from './damagedRef.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { isRefContainer, lookupRef } from './lookupRef.js';
import { readPackedRefsFile } from './packedRefsFile.js';
import type { Repository } from '../repository/repository.js';

export interface RefScan {
  /** Readable refs with their commits, sorted by name. */
  refs: Array<{ ref: string; oid: Oid }>;
  /** Every ref under the prefix that cannot be read, and every packed-refs line that names no ref. */
  damaged: DamagedRef[];
}

/**
 * Every ref under a prefix ("refs/", "refs/heads/"), loose and packed, sorted by name, with the
 * ones that cannot be read kept apart: fsck reports them, and whoever would act on "all refs"
 * (prune above all) refuses while there are any.
 */
export function scanRefs(repo: Repository, prefix: string): RefScan {
  const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
  const packedFile = readPackedRefsFile(repo);
  const packed = () => packedFile;
  const found = new Map<string, Oid>();
  const loose = new Set<string>();
  const damaged: DamagedRef[] = [];
  const emptyDirs: DamagedRef[] = [];
  const take = (ref: string): void => {
    loose.add(ref);
    const read = lookupRef(repo, ref, packed);
    if (read.state === 'found') found.set(ref, read.oid);
    else if (read.state === 'damaged') damaged.push(read.damaged);
  };
  /** Walks loose refs below `dir`; false when no file is anywhere below it. */
  const walk = (dir: string, refDir: string): boolean => {
    let holds = false;
    for (const name of namesIn(dir)) {
      const ref = `${refDir}${name}`;
      const isDir = isDirectory(join(dir, name));
      if (isDir === null) continue;
      if (!isDir) {
        holds = true;
        // git skips what cannot be a ref name (a killed git's *.lock, an editor's swap file).
        if (isValidRefName(ref)) take(ref);
      } else if (walk(join(dir, name), `${ref}/`)) {
        holds = true;
      } else if (!isRefContainer(ref)) {
        emptyDirs.push({ ref, path: join(dir, name), detail: 'an empty directory stands where a ref may have been (git and hacktree remove the folders a deleted ref leaves empty)' });
      }
    }
    return holds;
  };
  walk(join(repo.dir, base), base);
  for (const [ref, oid] of packedFile.refs) if (ref.startsWith(base) && !loose.has(ref)) found.set(ref, oid);
  for (const bad of packedFile.damaged) if (bad.ref === null || bad.ref.startsWith(base)) damaged.push(bad);
  // Only the outermost of nested empty directories: the rest are part of it.
  damaged.push(...emptyDirs.filter((d) => !emptyDirs.some((outer) => d.ref!.startsWith(`${outer.ref}/`))));
  return {
    refs: [...found].sort(([a], [b]) => (a < b ? -1 : 1)).map(([ref, oid]) => ({ ref, oid })),
    damaged: damaged.sort((a, b) => ((a.ref ?? '') < (b.ref ?? '') ? -1 : 1)),
  };
}

/** The names in a directory of refs; none when it is absent (or a file: then it is a ref, not under the prefix). */
function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return [];
    throw err;
  }
}

/** Whether a path is a directory; null when it is gone (git deleted the ref while fsck read, which holds no lock). */
function isDirectory(path: string): boolean | null {
  try {
    return lstatSync(path).isDirectory();
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return null;
    throw err;
  }
}
