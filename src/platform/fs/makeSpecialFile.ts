import { spawnSync } from 'node:child_process';
import { chmodSync, lchownSync, symlinkSync } from 'node:fs';
import { HacktreeError } from '../../errors/HacktreeError.js';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { encodePathBytes, fsPath } from '../../model/snapshot/pathBytes.js';
import { nativeAddon, type NativeAddon } from '../native/nativeAddon.js';
import { writeXattrs } from './readXattrs.js';

export type SpecialEntry = Extract<FsEntry, { kind: 'symlink' | 'chardev' | 'blockdev' | 'fifo' }>;

/** Creates a symlink, device node or fifo at `path` with the entry's owner, mode and xattrs. */
export function makeSpecialFile(path: string, entry: SpecialEntry): void {
  makeSpecialFiles([{ path, entry }]);
}

/**
 * Creates many at once: devices and fifos with the native addon's mknod(2), else (Node has no
 * mknod) with coreutils, all in one shell: forking a big process once per node, while worker
 * threads ran, cost seconds.
 */
export function makeSpecialFiles(items: ReadonlyArray<{ path: string; entry: SpecialEntry }>): void {
  const nodes = items.filter((item): item is { path: string; entry: NodeEntry } => item.entry.kind !== 'symlink');
  if (nodes.length > 0) {
    const native = nativeAddon();
    if (native) makeNodesNatively(native, nodes);
    else makeNodesWithCoreutils(nodes);
  }
  for (const { path, entry } of items) {
    if (entry.kind === 'symlink') symlinkSync(encodePathBytes(entry.target), fsPath(path));
    // chown before chmod: chown clears setuid/setgid bits; xattrs last.
    lchownSync(fsPath(path), entry.uid, entry.gid);
    if (entry.kind !== 'symlink') chmodSync(fsPath(path), entry.mode);
    writeXattrs(path, entry.xattrs);
  }
}

type NodeEntry = Exclude<SpecialEntry, { kind: 'symlink' }>;

const NODE_KIND = { chardev: 'c', blockdev: 'b', fifo: 'p' } as const;
const MKNOD_HINT = 'device nodes need root (CAP_MKNOD); run as root or leave /dev out of the root';

function makeNodesNatively(native: NativeAddon, nodes: ReadonlyArray<{ path: string; entry: NodeEntry }>): void {
  for (const { path, entry } of nodes) {
    try {
      native.makeNode(fsPath(path), NODE_KIND[entry.kind], entry.kind === 'fifo' ? 0 : entry.major, entry.kind === 'fifo' ? 0 : entry.minor);
    } catch (err) {
      const errno = errnoOf(err);
      if (errno === 'EPERM') {
        throw new HacktreeError('NOT_PERMITTED', `could not make the ${entry.kind} ${entry.path}: Operation not permitted`, {
          hint: MKNOD_HINT,
          data: { path: entry.path },
        });
      }
      if (errno === 'EINVAL' && entry.kind !== 'fifo') {
        throw new HacktreeError('UNSUPPORTED_FILE_TYPE', `${entry.path}: Linux cannot make the device ${entry.major},${entry.minor}`, {
          hint: 'device numbers go up to 4095 (major) and 1048575 (minor); fix or leave out that entry',
          data: { path: entry.path, major: entry.major, minor: entry.minor },
        });
      }
      throw err;
    }
  }
}

function makeNodesWithCoreutils(nodes: ReadonlyArray<{ path: string; entry: NodeEntry }>): void {
  const args: string[] = [];
  for (const { path, entry } of nodes) {
    if (entry.kind === 'fifo') args.push('p', printfEscaped(path), '0', '0');
    else args.push(NODE_KIND[entry.kind], printfEscaped(path), String(entry.major), String(entry.minor));
  }
  // Each path arrives as printf %b escapes (the "x" keeps a final newline from $(...)'s trim).
  const script = 'while [ $# -gt 0 ]; do p=$(printf "%bx" "$2"); p=${p%x}; if [ "$1" = p ]; then mkfifo -- "$p"; else mknod -- "$p" "$1" "$3" "$4"; fi || exit; shift 4; done';
  const run = spawnSync('sh', ['-c', script, 'sh', ...args], { encoding: 'utf8' });
  if (run.status !== 0) {
    if (/Operation not permitted/.test(run.stderr ?? '')) {
      throw new HacktreeError('NOT_PERMITTED', `could not make device nodes or fifos (${nodes.map((n) => n.entry.path).join(', ')}): Operation not permitted`, {
        hint: MKNOD_HINT,
        data: { paths: nodes.map((n) => n.entry.path) },
      });
    }
    throw new HacktreeError('EXTERNAL_COMMAND_FAILED', `making device nodes and fifos failed (${nodes.map((n) => n.entry.path).join(', ')}): ${run.stderr?.trim() || run.error?.message}`, {
      hint: MKNOD_HINT,
      data: { paths: nodes.map((n) => n.entry.path) },
    });
  }
}

/**
 * A path's bytes as printf %b reads them: a command's arguments are strings, which cannot hold
 * a name that is not UTF-8 (see pathBytes), so every byte but plain ASCII goes as \0NNN.
 */
function printfEscaped(path: string): string {
  let out = '';
  for (const byte of encodePathBytes(path)) {
    out += byte >= 0x20 && byte < 0x7f && byte !== 0x5c ? String.fromCharCode(byte) : `\\0${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
}
