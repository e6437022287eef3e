import { createHash } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import type { GitObjectType } from '../../model/git/gitObject.js';
import type { Oid } from '../../model/git/oid.js';
import { packEntryHeader, packHeader } from '../../model/git/packFormat.js';
import { serializePackIndex, type PackIndexEntry } from '../../model/git/packIndex.js';
import { tempPathBeside, translateWriteError } from '../repository/atomicWrite.js';
import { failpoint } from '../../platform/process/failpoint.js';
import { deflateBound, deflateObjectDataInto } from './deflateObject.js';
import { looseObjectIds } from './looseObjectIds.js';
import { packedObjectIds } from './packedObjectIds.js';
import type { Repository } from '../repository/repository.js';

/**
 * Appends objects to one new pack, then writes its index. A commit of many files writes its
 * blobs this way, one pack per worker: a loose object is one more inode per file beside the raw
 * cache's copies, and isomorphic-git's packObjects holds every object in memory
 * (docs/decisions/0004-packs-for-commits.md). Objects are stored whole (no deltas), as
 * `git fast-import` does, and a later
 * `hacktree prune` (git repack) deltifies them.
 */
export interface PackWriter {
  /**
   * Appends an object, unless the repository has it already: loose or in a pack when the writer
   * was made, or in this pack. (One made loose since may come again here: git reads either, and
   * `hacktree prune` keeps one.)
   */
  add(oid: Oid, type: GitObjectType, body: Uint8Array): void;
  /**
   * Completes the pack: object count, SHA-1 trailer, the .idx; renames the .pack into place,
   * then the .idx (git ignores a pack without an index, and fsck removes one). Returns the
   * pack's name (pack-<checksum>), or null when nothing was added.
   */
  finish(): string | null;
  /** Removes the unfinished pack. */
  abort(): void;
}

const FLUSH_BYTES = 1 << 20;

/**
 * A temporary name in the pack directory that also names this thread, so that the main thread
 * can remove what its stopped workers left (see removeOwnTempFiles) and nothing of its own.
 */
function threadTempPath(packDir: string): string {
  return `${tempPathBeside(join(packDir, 'pack'))}_t${threadId}`;
}

export function createPackWriter(repo: Repository): PackWriter {
  const packDir = join(repo.objectsDir, 'pack');
  const entries: PackIndexEntry[] = [];
  const added = new Set<string>();
  const packed = packedObjectIds(repo);
  const loose = looseObjectIds(repo);
  let tmpPack: string | undefined;
  let tmpIndex: string | undefined;
  let fd: number | undefined;
  let offset = 0;
  // Entries are deflated straight into this buffer, written out when it holds FLUSH_BYTES.
  let staging = Buffer.allocUnsafe(2 * FLUSH_BYTES);
  let staged = 0;

  const flush = () => {
    for (let done = 0; done < staged; ) done += writeSync(fd!, staging, done, staged - done);
    staged = 0;
  };
  const cleanUp = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    for (const path of [tmpPack, tmpIndex]) if (path !== undefined) rmSync(path, { force: true });
  };
  const fail = (err: unknown): never => {
    cleanUp();
    throw translateWriteError(err, repo);
  };

  return {
    add(oid, type, body) {
      if (added.has(oid) || packed.has(oid) || loose.has(oid)) return;
      try {
        if (fd === undefined) {
          mkdirSync(packDir, { recursive: true });
          tmpPack = threadTempPath(packDir);
          fd = openSync(tmpPack, 'wx+', 0o600); // read back for the trailer
          writeSync(fd, packHeader(0)); // the count is written when known
          offset = 12;
        }
        const header = packEntryHeader(type, body.byteLength);
        const room = header.length + deflateBound(body.byteLength);
        if (staged + room > staging.length) {
          flush();
          if (room > staging.length) staging = Buffer.allocUnsafe(room);
        }
        header.copy(staging, staged);
        const length = header.length + deflateObjectDataInto(body, staging, staged + header.length);
        entries.push({ oid, crc32: crc32(staging.subarray(staged, staged + length)), offset });
        added.add(oid);
        offset += length;
        staged += length;
        if (staged >= FLUSH_BYTES) flush();
      } catch (err) {
        fail(err);
      }
    },
    finish() {
      if (fd === undefined) return null;
      try {
        flush();
        writeSync(fd, packHeader(entries.length), 0, 12, 0);
        // The trailer hashes the whole file, header included, which is final only now: the
        // pack is read back once (from the page cache), as git fast-import does.
        const hash = createHash('sha1');
        const buffer = Buffer.allocUnsafe(FLUSH_BYTES);
        for (let at = 0; at < offset; ) {
          const n = readSync(fd, buffer, 0, Math.min(buffer.length, offset - at), at);
          hash.update(buffer.subarray(0, n));
          at += n;
        }
        const checksum = hash.digest();
        writeSync(fd, checksum, 0, 20, offset);
        fchmodSync(fd, 0o444);
        closeSync(fd);
        fd = undefined;
        const name = `pack-${checksum.toString('hex')}`;
        tmpIndex = threadTempPath(packDir);
        const indexFd = openSync(tmpIndex, 'wx', 0o444);
        try {
          writeSync(indexFd, serializePackIndex(entries, checksum));
        } finally {
          closeSync(indexFd);
        }
        const packPath = join(packDir, `${name}.pack`);
        const indexPath = join(packDir, `${name}.idx`);
        failpoint('pack-written');
        if (existsSync(indexPath)) {
          cleanUp(); // the same objects in the same order: that pack is this one
        } else {
          renameSync(tmpPack!, packPath);
          failpoint('pack-renamed');
          renameSync(tmpIndex, indexPath);
        }
        tmpPack = tmpIndex = undefined;
        return name;
      } catch (err) {
        return fail(err);
      }
    },
    abort: cleanUp,
  };
}
