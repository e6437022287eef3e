import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { getAttributeSync, listAttributesSync } from '@napi-rs/xattr';

/**
 * Everything the round trip must keep, per path, as one comparable line: type, full mode,
 * owner, group, size, content hash or symlink target or device numbers, and xattrs. mtimes,
 * inode numbers and link counts are left out on purpose. Written apart from the store's own
 * scanner so a bug there cannot hide itself.
 */
export function treeFingerprint(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (abs: string, rel: string): void => {
    const st = lstatSync(abs);
    const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
    let what: string;
    if (st.isFile()) what = `f ${st.size} ${createHash('sha256').update(readFileSync(abs)).digest('hex')}`;
    else if (st.isSymbolicLink()) what = `l ${readlinkSync(abs)}`;
    else if (st.isDirectory()) what = 'd';
    else if (st.isFIFO()) what = 'p';
    else if (st.isCharacterDevice() || st.isBlockDevice()) what = `${st.isCharacterDevice() ? 'c' : 'b'} ${st.rdev}`;
    else what = 'other';
    const xattrs = listAttributesSync(abs)
      .sort()
      .map((name) => `${name}=${Buffer.from(getAttributeSync(abs, name) ?? Buffer.alloc(0)).toString('hex')}`)
      .join(',');
    out.set(rel, `${what} ${mode} ${st.uid}:${st.gid} ${xattrs}`);
    if (st.isDirectory()) for (const name of readdirSync(abs)) walk(join(abs, name), rel === '.' ? name : `${rel}/${name}`);
  };
  walk(root, '.');
  return out;
}

/** The paths whose fingerprints differ between two trees (at most `limit`), for a readable failure. */
export function fingerprintDifferences(a: Map<string, string>, b: Map<string, string>, limit = 20): string[] {
  const diffs: string[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(path) !== b.get(path)) diffs.push(`${path}: ${a.get(path) ?? '(absent)'} != ${b.get(path) ?? '(absent)'}`);
    if (diffs.length >= limit) break;
  }
  return diffs;
}
