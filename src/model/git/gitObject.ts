import { createHash } from 'node:crypto';
import type { Oid } from './oid.js';

export type GitObjectType = 'blob' | 'tree' | 'commit' | 'tag';

export function objectHeader(type: GitObjectType, size: number): Buffer {
  return Buffer.from(`${type} ${size}\0`);
}

/** The git object id of a body: SHA-1 over "<type> <size>\0<body>". */
export function hashObject(type: GitObjectType, body: Uint8Array): Oid {
  return createHash('sha1').update(objectHeader(type, body.byteLength)).update(body).digest('hex') as Oid;
}

/** Splits an inflated loose object into its type and body; null when the framing is wrong. */
export function unframeObject(framed: Buffer): { type: GitObjectType; body: Buffer } | null {
  const nul = framed.indexOf(0);
  if (nul < 0 || nul > 32) return null;
  const m = /^(blob|tree|commit|tag) (\d+)$/.exec(framed.subarray(0, nul).toString('latin1'));
  if (!m) return null;
  const body = framed.subarray(nul + 1);
  if (body.length !== Number(m[2])) return null;
  return { type: m[1] as GitObjectType, body };
}
