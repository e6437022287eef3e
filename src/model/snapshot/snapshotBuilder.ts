import { HacktreeError } from '../../errors/HacktreeError.js';
import type { FsEntry } from './fsEntry.js';
import { compareRepoPaths, entryKindProblem, parentOf, TOP, type RepoPath } from './repoPath.js';

/**
 * Assembles a snapshot from members arriving in archive order, with tar's rules (a later member
 * replaces an earlier one of the same path; missing parent directories are implied as 0755
 * root:root) and the check extraction tools forget: nothing may lie beneath a symlink or a file
 * the same archive made, the classic way to write outside the target.
 */
export interface SnapshotBuilder {
  add(entry: FsEntry): void;
  /**
   * A hardlink member: the same content and metadata as an earlier entry. Files are the usual
   * case, but `ln` makes hardlinks to symlinks, fifos and devices too, and GNU tar archives
   * them; only a directory cannot be hardlinked.
   */
  addHardlink(path: RepoPath, target: RepoPath): void;
  finish(): FsEntry[];
}

export function createSnapshotBuilder(source: string): SnapshotBuilder {
  const byPath = new Map<string, FsEntry>();

  const fail = (code: 'UNSAFE_PATH' | 'TAR_INVALID', message: string, data: Record<string, unknown>) =>
    new HacktreeError(code, `${source}: ${message}`, {
      hint: 'the archive is malformed or malicious; rebuild it with "hacktree artifact pack"',
      data: { source, ...data },
    });

  const ensureDir = (dir: RepoPath, child: RepoPath): void => {
    const existing = byPath.get(dir);
    if (existing) {
      if (existing.kind === 'dir') return;
      const what = existing.kind === 'symlink' ? `a symlink (to ${existing.target})` : `a ${existing.kind}`;
      throw fail('UNSAFE_PATH', `member ${child} lies beneath ${dir}, which the archive made ${what}`, { path: child, parent: dir });
    }
    if (dir !== TOP) ensureDir(parentOf(dir), dir);
    const kindProblem = entryKindProblem(dir, 'dir');
    if (kindProblem) throw fail('UNSAFE_PATH', `member ${child} lies beneath ${dir}, which ${kindProblem.replace(/^is /, 'would be ')}`, { path: child, parent: dir });
    byPath.set(dir, { kind: 'dir', path: dir, mode: 0o755, uid: 0, gid: 0, xattrs: [] });
  };

  return {
    add(entry) {
      if (entry.path === TOP && entry.kind !== 'dir') throw fail('TAR_INVALID', 'the top entry "." is not a directory', {});
      if (entry.path !== TOP) ensureDir(parentOf(entry.path), entry.path);
      const kindProblem = entryKindProblem(entry.path, entry.kind);
      if (kindProblem) throw fail('UNSAFE_PATH', `member ${entry.path} ${kindProblem}`, { path: entry.path });
      const existing = byPath.get(entry.path);
      if (existing?.kind === 'dir' && entry.kind !== 'dir') {
        throw fail('TAR_INVALID', `member ${entry.path} replaces a directory of the same archive with a ${entry.kind}`, { path: entry.path });
      }
      byPath.set(entry.path, entry);
    },
    addHardlink(path, target) {
      const original = byPath.get(target);
      if (!original || original.kind === 'dir') {
        const what = original ? 'a directory' : 'not an earlier member of the archive';
        throw fail('TAR_INVALID', `hardlink ${path} points to ${target}, which is ${what}`, { path, target });
      }
      this.add({ ...original, path });
    },
    finish() {
      if (!byPath.has(TOP)) byPath.set(TOP, { kind: 'dir', path: TOP, mode: 0o755, uid: 0, gid: 0, xattrs: [] });
      return [...byPath.values()].sort((a, b) => compareRepoPaths(a.path, b.path));
    },
  };
}
