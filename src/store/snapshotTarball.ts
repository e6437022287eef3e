import type { FsEntry } from '../model/fsEntry.js';
import { hashObject } from '../model/gitObject.js';
import { createSnapshotBuilder } from '../model/snapshotBuilder.js';
import { writeObject } from './objectStore.js';
import { ensureRawSpecial } from './rawCache.js';
import { readTarball } from './readTarball.js';
import type { Repository } from './repository.js';
import { storeBlob } from './storeBlob.js';
import type { ProgressCallback } from './storeFilesInParallel.js';

/**
 * Streams a tarball straight into blobs and the raw cache (nothing is extracted to disk) and
 * returns its snapshot entries.
 */
export async function snapshotTarball(repo: Repository, file: string, onProgress?: ProgressCallback): Promise<FsEntry[]> {
  const builder = createSnapshotBuilder(file);
  let count = 0;
  await readTarball(file, (member, content) => {
    if (++count % 512 === 0) onProgress?.('importing', count, 0);
    switch (member.kind) {
      case 'hardlink':
        return builder.addHardlink(member.path, member.target);
      case 'file':
        return builder.add({ ...member, oid: storeBlob(repo, content ?? Buffer.alloc(0), member) });
      case 'symlink': {
        const target = Buffer.from(member.target);
        const entry = { ...member, oid: writeObject(repo, 'blob', target, hashObject('blob', target)) };
        ensureRawSpecial(repo, entry);
        return builder.add(entry);
      }
      case 'dir':
        return builder.add(member);
      default:
        ensureRawSpecial(repo, member);
        return builder.add(member);
    }
  });
  return builder.finish();
}
