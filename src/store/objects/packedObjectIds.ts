import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../../errors/errnoOf.js';
import type { Oid } from '../../model/git/oid.js';
import { packIndexHas } from '../../model/git/packIndex.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import type { Repository } from '../repository/repository.js';

export interface PackedObjectIds {
  has(oid: Oid): boolean;
  /** Whether there is any pack index at all. */
  any: boolean;
}

/**
 * The ids in the repository's packs as they are now, from their indexes, which are small
 * (docs/decisions/0004-packs-for-commits.md): a commit asks it before packing a blob again that
 * is packed already.
 */
export function packedObjectIds(repo: Repository): PackedObjectIds {
  const dir = join(repo.objectsDir, 'pack');
  const indexes: Buffer[] = [];
  for (const name of listDirectory(dir)) {
    if (!/^pack-[0-9a-f]{40}\.idx$/.test(name)) continue;
    try {
      indexes.push(readFileSync(join(dir, name)));
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw err; // a concurrent repack removed it
    }
  }
  return { has: (oid) => indexes.some((index) => packIndexHas(index, oid)), any: indexes.length > 0 };
}
