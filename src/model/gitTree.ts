import { HacktreeError } from '../errors/HacktreeError.js';
import { oidFromBytes, type Oid } from './oid.js';
import { isSafeName } from './repoPath.js';

export type GitTreeMode = '100644' | '100755' | '120000' | '40000';

export interface GitTreeEntry {
  mode: GitTreeMode;
  name: string;
  oid: Oid;
}

const MODES = new Set<string>(['100644', '100755', '120000', '40000']);

/** git's order: byte order of names, a directory compared as if its name ended in "/". */
function sortKey(entry: GitTreeEntry): Buffer {
  return Buffer.from(entry.mode === '40000' ? `${entry.name}/` : entry.name);
}

export function serializeTree(entries: readonly GitTreeEntry[]): Buffer {
  const keyed = entries.map((e) => ({ e, key: sortKey(e) }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  const parts: Buffer[] = [];
  for (const { e } of keyed) {
    parts.push(Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.oid, 'hex'));
  }
  return Buffer.concat(parts);
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
    const name = body.toString('utf8', space + 1, nul);
    if (!MODES.has(mode)) throw corrupt(oid, `unsupported mode ${mode} for "${name}"`);
    if (!isSafeName(name)) throw corrupt(oid, `unsafe entry name ${JSON.stringify(name)}`);
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
