/**
 * Exact-length reads over a stream of chunks, pulling the next chunk only when the current one
 * is used up: the stream is paused while the caller works, which is the backpressure.
 */
export interface ByteReader {
  /** The next `length` bytes (a view into the current chunk when it holds them); shorter only at the end. */
  read(length: number): Promise<Buffer>;
  /** Fills `target` from the stream; returns how many bytes were copied (short only at the end). */
  readInto(target: Buffer): Promise<number>;
  /** Skips up to `length` bytes; returns how many were skipped (short only at the end). */
  skip(length: number): Promise<number>;
  /** Bytes consumed so far. */
  position(): number;
  /** Stops the source (destroying its streams) when the caller is done or gives up. */
  close(): Promise<void>;
}

/** `translateError` turns the source's errors (a damaged gzip stream) into the caller's. */
export function createByteReader(source: AsyncIterable<Buffer>, translateError: (err: unknown) => unknown): ByteReader {
  const iterator = source[Symbol.asyncIterator]();
  let chunk: Buffer = Buffer.alloc(0);
  let pos = 0;
  let consumed = 0;
  let ended = false;

  /** Makes sure the current chunk has unread bytes; false at the end of the stream. */
  async function fill(): Promise<boolean> {
    while (pos >= chunk.length) {
      if (ended) return false;
      let next: IteratorResult<Buffer>;
      try {
        next = await iterator.next();
      } catch (err) {
        throw translateError(err);
      }
      if (next.done) {
        ended = true;
        return false;
      }
      chunk = next.value;
      pos = 0;
    }
    return true;
  }

  async function readInto(target: Buffer): Promise<number> {
    let filled = 0;
    while (filled < target.length && (pos < chunk.length || (await fill()))) {
      const copied = chunk.copy(target, filled, pos, Math.min(chunk.length, pos + target.length - filled));
      pos += copied;
      filled += copied;
    }
    consumed += filled;
    return filled;
  }

  return {
    async read(length) {
      if (chunk.length - pos >= length) {
        const view = chunk.subarray(pos, pos + length);
        pos += length;
        consumed += length;
        return view;
      }
      const out = Buffer.allocUnsafe(length);
      const filled = await readInto(out);
      return filled < length ? out.subarray(0, filled) : out;
    },
    readInto,
    async skip(length) {
      let skipped = 0;
      while (skipped < length && (pos < chunk.length || (await fill()))) {
        const step = Math.min(chunk.length - pos, length - skipped);
        pos += step;
        skipped += step;
      }
      consumed += skipped;
      return skipped;
    },
    position: () => consumed,
    async close() {
      ended = true;
      await iterator.return?.();
    },
  };
}
