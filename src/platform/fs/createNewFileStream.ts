import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';

/**
 * A write stream to a file created now, exclusively (mode 0644). A stream given only a path
 * opens it later, asynchronously: when the pipeline fails first (a truncated download, a
 * source that vanished) and the caller removes the partial file, that open can still create
 * it after the removal. Seen in CI as a .partial download and a tarball's .tmp file that
 * outlived their cleanup. When the file cannot be made, `source` (the pipeline's, already
 * open) is destroyed, so it does not dangle.
 */
export function createNewFileStream(path: string, options: { flush?: boolean; source?: Readable } = {}): WriteStream {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (err) {
    options.source?.destroy();
    throw err;
  }
  return createWriteStream(path, { fd, flush: options.flush });
}
