import { rmSync } from 'node:fs';
import type { EntryMeta, FsEntry } from '../../model/snapshot/fsEntry.js';
import { hashObject } from '../../model/git/gitObject.js';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { gitSpecialFileProblem } from '../../model/git/gitSpecialFileProblem.js';
import { encodePathBytes, quotePath } from '../../model/snapshot/pathBytes.js';
import { baseName, isGitSpecialFileName } from '../../model/snapshot/repoPath.js';
import { createSnapshotBuilder } from '../../model/snapshot/snapshotBuilder.js';
import { readObjectOfType, writeObject } from '../objects/objectStore.js';
import { ensureRawSpecial, type RawWriteOptions } from '../raw/rawCache.js';
import { readTarball, type TarContentStream } from './readTarball.js';
import type { Repository } from '../repository/repository.js';
import { statInputFile } from '../blobs/statInputFile.js';
import { storeBlob } from '../blobs/storeBlob.js';
import { storeStreamedBlob } from '../blobs/storeStreamedBlob.js';
import type { ProgressCallback } from '../blobs/storeFilesInParallel.js';
import { namingXattrSource } from '../../platform/fs/xattrRefused.js';

/**
 * Streams a tarball straight into blobs and the raw cache (nothing is extracted to disk) and
 * returns its snapshot entries. A .gitmodules or .gitattributes whose content git's fsck
 * refuses is UNSAFE_PATH (see gitSpecialFileProblem), found before any tree names it.
 * A refused archive (an unsafe member found halfway, damage) leaves no raw entry behind: those
 * it made are removed again, as nothing will name them. The blobs stay, as complete
 * unreferenced objects do (git's gc drops them).
 */
export async function snapshotTarball(repo: Repository, file: string, onProgress?: ProgressCallback): Promise<FsEntry[]> {
  statInputFile(file, 'tarball');
  const created: string[] = [];
  try {
    return await storeMembers(repo, file, { created }, onProgress);
  } catch (err) {
    for (const path of created) rmSync(path, { force: true });
    throw err;
  }
}

async function storeMembers(repo: Repository, file: string, raw: RawWriteOptions, onProgress?: ProgressCallback): Promise<FsEntry[]> {
  const builder = createSnapshotBuilder(file);
  const where = (member: { path: string }) => `${file}: member ${quotePath(member.path)}`;
  let count = 0;
  await readTarball(file, (member, content) => {
    if (++count % 512 === 0) onProgress?.('importing', count, 0);
    switch (member.kind) {
      case 'hardlink':
        return builder.addHardlink(member.path, member.target);
      case 'file': {
        if (content !== null && !Buffer.isBuffer(content)) return storeMemberStream(repo, member, content, where(member), raw).then((oid) => builder.add({ ...member, oid }));
        const oid = namingXattrSource(where(member), () => storeBlob(repo, content ?? Buffer.alloc(0), member, raw));
        return builder.add({ ...member, oid });
      }
      case 'symlink': {
        const target = encodePathBytes(member.target);
        const entry = { ...member, oid: writeObject(repo, 'blob', target, hashObject('blob', target)) };
        namingXattrSource(where(member), () => ensureRawSpecial(repo, entry, raw));
        return builder.add(entry);
      }
      case 'dir':
        return builder.add(member);
      default:
        namingXattrSource(where(member), () => ensureRawSpecial(repo, member, raw));
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
function storeMemberStream(repo: Repository, member: EntryMeta, content: TarContentStream, source: string, raw: RawWriteOptions) {
  return storeStreamedBlob(repo, content.chunks, {
    meta: member, size: content.size, source, raw,
    // readTarball's stream yields exactly `size` bytes or throws TAR_INVALID first.
    shortBy: () => new RangeError(`tar member content ended before its ${content.size} bytes`),
  });
}
