import { join } from 'node:path';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import type { Repository } from '../repository/repository.js';

const FAN = /^[0-9a-f]{2}$/;
const REST = /^[0-9a-f]{38}$/;

/**
 * The ids of the repository's loose objects as they are now, from one listing of objects/ and
 * its fan-out directories: a pack writer asks it instead of looking each object up on disk
 * (docs/decisions/0004-packs-for-commits.md).
 */
export function looseObjectIds(repo: Repository): Set<string> {
  const ids = new Set<string>();
  for (const fan of listDirectory(repo.objectsDir)) {
    if (!FAN.test(fan)) continue;
    for (const rest of listDirectory(join(repo.objectsDir, fan))) if (REST.test(rest)) ids.add(fan + rest);
  }
  return ids;
}
