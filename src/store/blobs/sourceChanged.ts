import { HacktreeError } from '../../errors/HacktreeError.js';
import { quotePath } from '../../model/snapshot/pathBytes.js';

export type SourceChange = 'shrank' | 'grew' | 'vanished' | 'is no longer a regular file';

/**
 * The error of a file that changed between the scan that took its size and type and the read
 * of its content: something wrote to it, removed it or replaced it meanwhile. A file that grew
 * is refused too, never stored cut short at its old size.
 */
export function sourceChanged(absPath: string, change: SourceChange): HacktreeError {
  return new HacktreeError('SOURCE_CHANGED', `${quotePath(absPath)} ${change} while hacktree was reading it`, {
    hint: 'something is changing the tree being committed; commit a tree that is not in use (stop the program writing to it, or commit a copy or snapshot of it)',
    data: { path: absPath, change },
  });
}
