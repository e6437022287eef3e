/**
 * `size` bytes (a multiple of 4) that deflate poorly, the same for the same seed: each 32-bit
 * word is seed * 2654435761 * (its byte offset + 1), truncated.
 */
export function noiseBytes(size: number, seed: number): Buffer {
  const body = Buffer.alloc(size);
  for (let i = 0; i < body.length; i += 4) body.writeUInt32LE((seed * 2654435761 * (i + 1)) >>> 0, i);
  return body;
}
