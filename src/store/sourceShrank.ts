import { HacktreeError } from '../errors/HacktreeError.js';
import { quotePath } from '../model/pathBytes.js';

/** The error of a file that ended before the size its scan found: something wrote to it meanwhile. */
export function sourceShrank(absPath: string): HacktreeError {
  return new HacktreeError('SOURCE_CHANGED', `${quotePath(absPath)} shrank while hacktree was reading it`, {
    hint: 'something is writing to the tree being committed; commit a tree that is not in use',
    data: { path: absPath },
  });
}
