import { spawnSync } from 'node:child_process';
import { chmodSync, lchownSync, symlinkSync } from 'node:fs';
import { HacktreeError } from '../errors/HacktreeError.js';
import type { FsEntry } from '../model/fsEntry.js';
import { writeXattrs } from './readXattrs.js';

export type SpecialEntry = Extract<FsEntry, { kind: 'symlink' | 'chardev' | 'blockdev' | 'fifo' }>;

/**
 * Creates a symlink, device node or fifo at `path` with the entry's owner, mode and xattrs.
 * Node has no mknod(2), so coreutils makes devices and fifos (rare: a root has a dozen).
 */
export function makeSpecialFile(path: string, entry: SpecialEntry): void {
  if (entry.kind === 'symlink') {
    symlinkSync(entry.target, path);
    lchownSync(path, entry.uid, entry.gid);
    writeXattrs(path, entry.xattrs);
    return;
  }
  const args = entry.kind === 'fifo'
    ? ['mkfifo', path]
    : ['mknod', path, entry.kind === 'chardev' ? 'c' : 'b', String(entry.major), String(entry.minor)];
  const run = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8' });
  if (run.status !== 0) {
    throw new HacktreeError('EXTERNAL_COMMAND_FAILED', `${args[0]} failed for ${entry.path}: ${run.stderr?.trim() || run.error?.message}`, {
      hint: 'device nodes need root (CAP_MKNOD); run as root or leave /dev out of the root',
      data: { path: entry.path },
    });
  }
  // chown before chmod: chown clears setuid/setgid bits.
  lchownSync(path, entry.uid, entry.gid);
  chmodSync(path, entry.mode);
  writeXattrs(path, entry.xattrs);
}
