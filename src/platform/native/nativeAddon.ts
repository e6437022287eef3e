import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * hacktree's native addon (native/): ISA-L's deflate; a directory read, a file read, a raw
 * cache file's write and an existence check of many paths in one call each; a checkout's mkdir
 * and link calls on several threads; mknod(2) and syncfs(2), which Node lacks; and xattrs of
 * paths that are not UTF-8. A path argument given as a Buffer is its bytes (see pathBytes.fsPath).
 */
export interface NativeAddon {
  /** The zlib stream of `data` at igzip's level 1 (level 0 under 4 KiB), or null when it would not fit (use node:zlib). */
  deflateZlib(data: Uint8Array): Buffer | null;
  /** The same, written into out[offset...]: the bytes written, or -1 when they did not fit. */
  deflateZlibInto(data: Uint8Array, out: Uint8Array, offset: number): number;
  createDeflateStream(): DeflateStreamHandle;
  /** Deflates one more chunk; with `last`, the stream's end. Returns the output made. */
  deflateStreamPush(stream: DeflateStreamHandle, chunk: Uint8Array, last: boolean): Buffer;
  /** 1 where dir/names[i] exists (not following a final symlink), else 0; one call for many. */
  existAll(dir: string, names: readonly string[]): Uint8Array;
  /**
   * Makes a checkout's directories (level by level), then its hardlinks, each checked with an
   * lstat, on `threads` threads; records as native/linkTree.c describes them; progress[0]
   * counts the records done. Resolves with the records that failed: [index, errno name (or
   * RAW_MISMATCH: the link was made, failed its check and was removed), text]. Rejects, having
   * made nothing, when a record's path is absolute, has an empty, "." or ".." component
   * (UNSAFE_PATH) or is too long (NAME_TOO_LONG); the error's `record` is its number.
   */
  linkTree(rawDir: string, root: string, records: Uint8Array, threads: number, progress: Int32Array): Promise<Array<[number, string, string]>>;
  /**
   * mknod(2): a character device (c), block device (b) or fifo (p) at `path`, mode 0600; throws
   * Errors like node:fs's (code, syscall, path).
   */
  makeNode(path: string | Buffer, kind: 'c' | 'b' | 'p', major: number, minor: number): void;
  /** One directory's entries with their lstat facts, xattrs and symlink targets (see readDirectoryEntries). */
  readDirectory(dir: string | Buffer): unknown[];
  /** Starts reading files into the page cache (posix_fadvise WILLNEED); errors are ignored. */
  prefetchFiles(paths: ReadonlyArray<string | Buffer>): void;
  /**
   * Reads the file at `path` into buffer[offset, offset + size) (open, read, close); the bytes
   * read, fewer when the file ends sooner, size + 1 when it holds more, -1 when `path` is no
   * regular file (a fifo is never waited on). Throws Errors like node:fs's.
   */
  readFileInto(path: string | Buffer, buffer: Uint8Array, offset: number, size: number): number;
  /**
   * Puts `data` at rawDir/name (FAN/REST) with that owner, mode and xattrs through the temporary
   * tmpName (FAN/...), unless something is there: false then, nothing written. Throws Errors
   * like node:fs's; the temporary file is gone then.
   */
  writeRawFile(
    rawDir: string,
    name: string,
    tmpName: string,
    data: Uint8Array,
    uid: number,
    gid: number,
    mode: number,
    xattrs: ReadonlyArray<readonly [string, Uint8Array]>,
  ): boolean;
  /** A path's xattrs (not following a final symlink), unsorted; throws Errors like node:fs's. */
  readXattrs(path: string | Buffer): Array<[string, Buffer]>;
  /** Sets xattrs on a path (not following a final symlink); throws Errors like node:fs's. */
  writeXattrs(path: string | Buffer, xattrs: ReadonlyArray<readonly [string, Uint8Array]>): void;
  /**
   * The kernel's record of who is at the other end of a connected Unix socket (SO_PEERCRED and
   * SO_PEERGROUPS); throws an Error whose code is the errno's name.
   */
  peerCredentials(fd: number): PeerCredentials;
  /** syncfs(2); throws an Error whose code is the errno's name. */
  syncFilesystem(fd: number): void;
  /** syncfs(2) on a thread of libuv's pool; `fd` must stay open until it settles. */
  syncFilesystemAsync(fd: number): Promise<void>;
}
/** A socket peer's process, user, primary group and supplementary groups, as the kernel has them. */
export interface PeerCredentials {
  pid: number;
  uid: number;
  gid: number;
  groups: number[];
}
export type DeflateStreamHandle = { readonly __deflateStream: unique symbol };

/**
 * The addon interface this code speaks: native/hacktree_native.h's HACKTREE_NATIVE_ABI, which the
 * addon exports as abiVersion. Raise both together when a function's arguments, results or
 * errors change: an addon from another commit (a stale dist/native, HACKTREE_NATIVE_PATH) is
 * then refused as if absent instead of being called wrongly.
 */
export const NATIVE_ABI = 3;

/** Whether the addon is in use, from where, and if not, why (`hacktree --version` and --verbose say so). */
export type NativeAddonStatus = { loaded: true; path: string } | { loaded: false; path: string; reason: string; deliberate: boolean };

let addon: NativeAddon | null | undefined;
let status: NativeAddonStatus | undefined;

/**
 * The addon, or null where it is not built (a tsc-only build, no compiler), does not load, is
 * of another ABI, or HACKTREE_NATIVE=0 turns it off: hacktree then deflates with node:zlib,
 * scans with node:fs and syncs with `sync -f`, only slower (~4x at deflate). `npm run build`
 * puts it at dist/native/hacktree.node, beside the code that loads it (dist/src for the tests,
 * dist/bin for the CLI); HACKTREE_NATIVE_PATH names another (the tests' sanitized build).
 */
export function nativeAddon(): NativeAddon | null {
  if (addon === undefined) {
    const path = nativeAddonPath();
    addon = null;
    if (process.env.HACKTREE_NATIVE === '0') {
      status = { loaded: false, path, reason: 'turned off by HACKTREE_NATIVE=0', deliberate: true };
    } else {
      try {
        // process.dlopen, not require: the CommonJS loader would cost every command that loads
        // the addon ~1.5 ms more (docs/decisions/0013-start-up-time.md).
        const holder = { exports: {} as NativeAddon & { abiVersion?: unknown } };
        process.dlopen(holder, path);
        const loaded = holder.exports;
        if (loaded.abiVersion === NATIVE_ABI) {
          addon = loaded;
          status = { loaded: true, path };
        } else {
          const found = loaded.abiVersion === undefined ? 'no ABI version' : `ABI version ${String(loaded.abiVersion)}`;
          status = { loaded: false, path, reason: `${path} has ${found}, this hacktree wants ${NATIVE_ABI} (rebuild it: npm run build)`, deliberate: false };
        }
      } catch (err) {
        // Not built here, or built for another node or system: the fallbacks serve, and the reason is kept.
        const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
        status = { loaded: false, path, reason: existsSync(path) ? message : `no addon at ${path} (npm run build builds it)`, deliberate: false };
      }
    }
  }
  return addon;
}

/** Loads the addon if that was not tried yet, and says how it went. */
export function nativeAddonStatus(): NativeAddonStatus {
  nativeAddon();
  return status!;
}

/** Where the addon is loaded from: $HACKTREE_NATIVE_PATH, else dist/native/hacktree.node of this build. */
export function nativeAddonPath(): string {
  const chosen = process.env.HACKTREE_NATIVE_PATH;
  if (chosen) return resolve(chosen);
  const here = fileURLToPath(import.meta.url);
  const dist = here.lastIndexOf('/dist/');
  return `${dist < 0 ? here : here.slice(0, dist)}/dist/native/hacktree.node`;
}
