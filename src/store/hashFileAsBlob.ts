import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { objectHeader } from '../model/gitObject.js';
import type { Oid } from '../model/oid.js';

const CHUNK = 1 << 20;

/** The git blob id of a file's content, read in 1 MiB chunks so memory stays flat whatever its size. */
export async function hashFileAsBlob(path: string): Promise<Oid> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const hash = createHash('sha1').update(objectHeader('blob', size));
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)));
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
    // A file that changed size while being read no longer matches the header: it hashes wrong,
    // which is the truth about it.
    return hash.digest('hex') as Oid;
  } finally {
    await handle.close();
  }
}
