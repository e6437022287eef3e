import { HacktreeError } from '../../errors/HacktreeError.js';
import { findEntry } from '../../model/snapshot/findEntry.js';
import type { Oid } from '../../model/git/oid.js';
import { displayRootPath, parseRootPath } from '../../model/root/parseRootPath.js';
import { quotePath } from '../../model/snapshot/pathBytes.js';
import { readObjectOfType } from '../../store/objects/objectStore.js';
import { pathNotFound } from './pathNotFound.js';
import { readRootSnapshot } from './readRootSnapshot.js';

export interface RootFileContent {
  commit: Oid;
  path: string;
  oid: Oid;
  content: Buffer;
}

/**
 * `hacktree root cat NAME PATH`: a regular file's bytes. Nothing is followed: a symlink, a
 * directory or a device is an error saying what it is.
 */
export async function catRootFile(options: { repoDir: string; name: string; path: string }): Promise<RootFileContent> {
  const path = parseRootPath(options.path);
  const { repo, commit, snapshot } = await readRootSnapshot(options.repoDir, options.name);
  const entry = findEntry(snapshot.entries, path);
  if (!entry) throw pathNotFound(options.name, path);
  if (entry.kind !== 'file') {
    const what = entry.kind === 'dir' ? 'is a directory'
      : entry.kind === 'symlink' ? `is a symlink to ${quotePath(entry.target)}`
      : `is a ${entry.kind}`;
    throw new HacktreeError('NOT_A_FILE', `${displayRootPath(path)} ${what} in ${options.name}, not a regular file`, {
      hint: entry.kind === 'dir'
        ? `list it with "hacktree root ls ${options.name} ${displayRootPath(path)}"`
        : 'cat shows regular files only and follows no symlinks; name the file itself',
      data: { root: options.name, path, kind: entry.kind },
    });
  }
  return { commit, path, oid: entry.oid, content: await readObjectOfType(repo, entry.oid, 'blob') };
}
