import type { EntryMeta, FsEntry } from '../model/fsEntry.js';
import { hashObject } from '../model/gitObject.js';
import { HacktreeError } from '../errors/HacktreeError.js';
import { gitSpecialFileProblem } from '../model/gitSpecialFileProblem.js';
import { encodePathBytes, quotePath } from '../model/pathBytes.js';
import { baseName, isGitSpecialFileName } from '../model/repoPath.js';
import { createSnapshotBuilder } from '../model/snapshotBuilder.js';
import { readObjectOfType, writeObject } from './objectStore.js';
import { ensureRawSpecial } from './rawCache.js';
import { readTarball, type TarContentStream } from './readTarball.js';
import type { Repository } from './repository.js';
import { storeBlob } from './storeBlob.js';
import { storeStreamedBlob } from './storeStreamedBlob.js';
import type { ProgressCallback } from './storeFilesInParallel.js';

/**
 * Streams a tarball straight into blobs and the raw cache (nothing is extracted to disk) and
 * returns its snapshot entries. A .gitmodules or .gitattributes whose content git's fsck
 * refuses is UNSAFE_PATH (see gitSpecialFileProblem), found before any tree names it.
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
        if (content !== null && !Buffer.isBuffer(content)) return storeMemberStream(repo, member, content).then((oid) => builder.add({ ...member, oid }));
        return builder.add({ ...member, oid: storeBlob(repo, content ?? Buffer.alloc(0), member) });
      case 'symlink': {
        const target = encodePathBytes(member.target);
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
  const entries = builder.finish();
  for (const entry of entries) {
    if (entry.kind !== 'file' || !isGitSpecialFileName(baseName(entry.path))) continue;
    const problem = gitSpecialFileProblem(baseName(entry.path), await readObjectOfType(repo, entry.oid, 'blob'));
    if (problem) {
      throw new HacktreeError('UNSAFE_PATH', `${file}: member ${quotePath(entry.path)} ${problem}`, {
        hint: 'git and every fsck-checking server would refuse the tree; rebuild the archive without that setting (or file)',
        data: { source: file, path: entry.path },
      });
    }
  }
  return entries;
}

/** A member too big to hold in memory (up to any size: a 5 GiB disk image) streams into its blob. */
function storeMemberStream(repo: Repository, member: EntryMeta, content: TarContentStream) {
  return storeStreamedBlob(repo, content.chunks, {
    meta: member, size: content.size,
    // readTarball's stream yields exactly `size` bytes or throws TAR_INVALID first.
    shortBy: () => new RangeError(`tar member content ended before its ${content.size} bytes`),
  });
}
