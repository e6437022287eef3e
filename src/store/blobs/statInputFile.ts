import { statSync, type Stats } from 'node:fs';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { describeNonFile } from '../../platform/fs/openRegularFile.js';

/**
 * The stat of a file given as input (`what`: "artifact", "tarball"), following symlinks; the
 * input missing is SOURCE_NOT_FOUND, a directory or fifo in its place NOT_A_FILE, both naming it.
 */
export function statInputFile(file: string, what: string): Stats {
  let stat: Stats;
  try {
    stat = statSync(file);
  } catch (err) {
    const errno = errnoOf(err);
    if (errno !== 'ENOENT' && errno !== 'ENOTDIR') throw err;
    throw new HacktreeError('SOURCE_NOT_FOUND', `${what} ${file} does not exist`, {
      hint: 'check the path', data: { file }, cause: err,
    });
  }
  if (!stat.isFile()) {
    throw new HacktreeError('NOT_A_FILE', `${what} ${file} is ${describeNonFile(stat)}, not a file`, {
      hint: stat.isDirectory() ? 'give a .tar.gz or .tar file; to commit a directory use --tree dir=DIR' : 'give a .tar.gz or .tar file',
      data: { file },
    });
  }
  return stat;
}
