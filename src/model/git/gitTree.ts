import { HacktreeError } from '../../errors/HacktreeError.js';
import { oidFromBytes, type Oid } from './oid.js';
import { decodePathBytes, encodePathBytes, hasRawBytes, pathByteLength } from '../snapshot/pathBytes.js';
import { nameProblem } from '../snapshot/repoPath.js';

export type GitTreeMode = '100644' | '100755' | '120000' | '40000';

export interface GitTreeEntry {
  mode: GitTreeMode;
  name: string;
  oid: Oid;
}

const MODES = new Set<string>(['100644', '100755', '120000', '40000']);

/**
 * git's order: byte order of the names' bytes, a directory compared as if its name ended in
 * "/". UTF-8 byte order is code point order, which is UTF-16 code unit order except where a
 * surrogate (a code point above U+FFFF) meets a unit from U+E000 on: that case is mapped. A
 * byte that is not UTF-8 (U+DC80 + byte, see pathBytes) is compared as the bytes themselves.
 */
export function compareTreeNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if ((x >= 0xdc80 && x <= 0xdcff) || (y >= 0xdc80 && y <= 0xdcff)) return Buffer.compare(encodePathBytes(a), encodePathBytes(b));
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/**
 * A tree object's body. Written into one buffer, sorted by string keys, not a Buffer per key, name
 * and id, as a commit writes over a thousand: docs/decisions/0010-per-entry-code.md.
 */
export function serializeTree(entries: readonly GitTreeEntry[]): Buffer {
  const keyed = entries.map((e) => ({ e, key: e.mode === '40000' ? `${e.name}/` : e.name }));
  keyed.sort((a, b) => compareTreeNames(a.key, b.key));
  let length = 0;
  for (const { e } of keyed) length += e.mode.length + pathByteLength(e.name) + 22;
  const body = Buffer.allocUnsafe(length);
  let at = 0;
  for (const { e } of keyed) {
    at += body.write(e.mode, at, 'latin1');
    body[at++] = 0x20;
    at += hasRawBytes(e.name) ? encodePathBytes(e.name).copy(body, at) : body.write(e.name, at, 'utf8');
    body[at++] = 0;
    at += body.write(e.oid, at, 'hex');
  }
  if (at !== length) throw new Error(`serializeTree: an entry's id is not 40 hex digits (${keyed.map(({ e }) => e.oid).join(', ')})`);
  return body;
}

/** Parses a tree body, rejecting names git or hacktree consider unsafe. */
export function parseTree(body: Buffer, oid: string): GitTreeEntry[] {
  const out: GitTreeEntry[] = [];
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    const nul = body.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 21 > body.length) throw corrupt(oid, 'truncated entry');
    const mode = body.toString('latin1', pos, space);
    const name = decodePathBytes(body, space + 1, nul);
    if (!MODES.has(mode)) throw corrupt(oid, `unsupported mode ${mode} for "${name}"`);
    const problem = nameProblem(name);
    if (problem) throw corrupt(oid, `unsafe entry name ${JSON.stringify(name)}: ${problem.why}`);
    out.push({ mode: mode as GitTreeMode, name, oid: oidFromBytes(body.subarray(nul + 1, nul + 21)) });
    pos = nul + 21;
  }
  return out;
}

function corrupt(oid: string, why: string): HacktreeError {
  return new HacktreeError('OBJECT_CORRUPT', `tree ${oid}: ${why}`, {
    hint: 'run "hacktree fsck" to find damaged objects',
    data: { oid },
  });
}
