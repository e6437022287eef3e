import { getAttributeSync, listAttributesSync, setAttributeSync } from '@napi-rs/xattr';
import type { Xattr } from '../model/fsEntry.js';

/** The extended attributes of a path, not following a final symlink, sorted by name. */
export function readXattrs(absPath: string): Xattr[] {
  const names = listAttributesSync(absPath);
  if (names.length === 0) return [];
  const out: Xattr[] = [];
  for (const name of names.sort()) {
    const value = getAttributeSync(absPath, name);
    if (value !== null) out.push({ name, value: Buffer.from(value) });
  }
  return out;
}

export function writeXattrs(absPath: string, xattrs: readonly Xattr[]): void {
  for (const x of xattrs) setAttributeSync(absPath, x.name, x.value);
}
