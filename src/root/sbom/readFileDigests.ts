import { createHash } from 'node:crypto';
import type { Oid } from '../../model/git/oid.js';
import type { FileDigests } from '../../model/sbom/sbomInput.js';
import { readObjectOfType } from '../../store/objects/objectStore.js';
import type { Repository } from '../../store/repository/repository.js';

/** Blobs read at once: enough to overlap reads with hashing, few enough to bound memory. */
const CONCURRENCY = 4;

/**
 * SHA-1 and SHA-256 of each blob's bytes, once per distinct blob. A git blob id is not the
 * SHA-1 an SBOM reader checks (`sha1sum FILE`): git hashes a "blob SIZE" header too.
 */
export async function readFileDigests(repo: Repository, oids: Iterable<Oid>): Promise<Map<Oid, FileDigests>> {
  const pending = [...new Set(oids)];
  const digests = new Map<Oid, FileDigests>();
  const worker = async (): Promise<void> => {
    for (let oid = pending.pop(); oid !== undefined; oid = pending.pop()) {
      const bytes = await readObjectOfType(repo, oid, 'blob');
      digests.set(oid, {
        sha1: createHash('sha1').update(bytes).digest('hex'),
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return digests;
}
