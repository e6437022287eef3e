import { once } from 'node:events';
import { createDeflate, deflateSync } from 'node:zlib';
import { nativeAddon } from '../../platform/native/nativeAddon.js';

/** Loose objects and pack entries are zlib streams at level 1 (git's core.looseCompression). */
const DEFLATE_LEVEL = Number(process.env.HACKTREE_LOOSE_COMPRESSION ?? 1);
/** zlib's largest memLevel: faster than the default (8) at the same ratio (docs/decisions/0003-native-deflate.md). */
const ZLIB_OPTIONS = { level: DEFLATE_LEVEL, memLevel: 9 };

/**
 * Deflates an object's data for git: with the native addon's igzip (~4x node:zlib's speed, for
 * slightly larger output: docs/decisions/0003-native-deflate.md), else
 * node:zlib. Another HACKTREE_LOOSE_COMPRESSION than 1 always takes node:zlib, which has every
 * level.
 */
export function deflateObjectData(data: Uint8Array): Buffer {
  const native = DEFLATE_LEVEL === 1 ? nativeAddon() : null;
  return native?.deflateZlib(data) ?? deflateSync(data, ZLIB_OPTIONS);
}

/** At most what deflating `length` bytes can make (stored blocks cost 5 bytes per 64 KiB). */
export function deflateBound(length: number): number {
  return length + (length >> 3) + 1024;
}

/**
 * Deflates an object's data as deflateObjectData does, straight into out[offset...], which
 * must have deflateBound(data.length) bytes of room; returns the bytes written.
 */
export function deflateObjectDataInto(data: Uint8Array, out: Buffer, offset: number): number {
  const native = DEFLATE_LEVEL === 1 ? nativeAddon() : null;
  const written = native ? native.deflateZlibInto(data, out, offset) : -1;
  if (written >= 0) return written;
  const deflated = deflateSync(data, ZLIB_OPTIONS);
  if (deflated.length > out.length - offset) throw new Error(`deflateObjectDataInto: ${deflated.length} bytes do not fit in ${out.length - offset}`);
  return deflated.copy(out, offset);
}

/**
 * A zlib stream fed in chunks; each call hands its output to `onData` before it resolves, and
 * the caller may reuse a chunk's memory once its write has resolved.
 */
export interface ChunkDeflater {
  write(chunk: Uint8Array): Promise<void>;
  end(): Promise<void>;
}

export function createChunkDeflater(onData: (output: Buffer) => void): ChunkDeflater {
  const native = DEFLATE_LEVEL === 1 ? nativeAddon() : null;
  if (native) {
    const stream = native.createDeflateStream();
    const push = (chunk: Uint8Array, last: boolean) => {
      const output = native.deflateStreamPush(stream, chunk, last);
      if (output.length > 0) onData(output);
    };
    return {
      write: async (chunk) => push(chunk, false),
      end: async () => push(Buffer.alloc(0), true),
    };
  }
  const deflate = createDeflate(ZLIB_OPTIONS);
  deflate.on('data', (output: Buffer) => {
    try {
      onData(output);
    } catch (err) {
      deflate.destroy(err as Error); // ENOSPC and friends reject the awaits below
    }
  });
  const ended = once(deflate, 'end');
  ended.catch(() => {}); // awaited by end(); a write's failure is reported there first
  return {
    async write(chunk) {
      // node:zlib may still hold the chunk after 'drain': it gets a copy.
      if (!deflate.write(Buffer.from(chunk))) await Promise.race([once(deflate, 'drain'), ended]);
    },
    async end() {
      deflate.end();
      await ended;
    },
  };
}
