import { spawnSync } from 'node:child_process';
import { chmodSync, lchownSync, symlinkSync } from 'node:fs';
import { HacktreeError } from '../errors/HacktreeError.js';
import type { FsEntry } from '../model/fsEntry.js';
import { writeXattrs } from './readXattrs.js';

export type SpecialEntry = Extract<FsEntry, { kind: 'symlink' | 'chardev' | 'blockdev' | 'fifo' }>;

/** Creates a symlink, device node or fifo at `path` with the entry's owner, mode and xattrs. */
export function makeSpecialFile(path: string, entry: SpecialEntry): void {
  makeSpecialFiles([{ path, entry }]);
}

/**
 * Creates many at once. Node has no mknod(2), so coreutils makes devices and fifos, all in one
 * shell: forking a big process once per node, while worker threads ran, cost seconds.
 */
export function makeSpecialFiles(items: ReadonlyArray<{ path: string; entry: SpecialEntry }>): void {
  const nodes = items.filter(({ entry }) => entry.kind !== 'symlink');
  if (nodes.length > 0) {
    const args: string[] = [];
    for (const { path, entry } of nodes) {
      if (entry.kind === 'fifo') args.push('p', path, '0', '0');
      else if (entry.kind !== 'symlink') args.push(entry.kind === 'chardev' ? 'c' : 'b', path, String(entry.major), String(entry.minor));
    }
    const script = 'while [ $# -gt 0 ]; do if [ "$1" = p ]; then mkfifo -- "$2"; else mknod -- "$2" "$1" "$3" "$4"; fi || exit; shift 4; done';
    const run = spawnSync('sh', ['-c', script, 'sh', ...args], { encoding: 'utf8' });
    if (run.status !== 0) {
      throw new HacktreeError('EXTERNAL_COMMAND_FAILED', `making device nodes and fifos failed (${nodes.map((n) => n.entry.path).join(', ')}): ${run.stderr?.trim() || run.error?.message}`, {
        hint: 'device nodes need root (CAP_MKNOD); run as root or leave /dev out of the root',
        data: { paths: nodes.map((n) => n.entry.path) },
      });
    }
  }
  for (const { path, entry } of items) {
    if (entry.kind === 'symlink') symlinkSync(entry.target, path);
    // chown before chmod: chown clears setuid/setgid bits; xattrs last.
    lchownSync(path, entry.uid, entry.gid);
    if (entry.kind !== 'symlink') chmodSync(path, entry.mode);
    writeXattrs(path, entry.xattrs);
  }
}
