import { createRequire } from 'node:module';
import { HacktreeError } from '../../errors/HacktreeError.js';
import type { Xattr } from '../../model/snapshot/fsEntry.js';
import { encodePathBytes, hasRawBytes, quotePath } from '../../model/snapshot/pathBytes.js';
import { nativeAddon, type NativeAddon } from '../native/nativeAddon.js';
import { xattrRefused } from './xattrRefused.js';

type XattrBinding = typeof import('@napi-rs/xattr');
let binding: XattrBinding | undefined;

/**
 * @napi-rs/xattr, loaded on first use with require: an import of the CommonJS package made node
 * lex its source for named exports in every thread that loaded this file (the main thread and
 * each blob worker), though the native addon does most xattr reads and writes
 * (docs/decisions/0008-commit-pipeline.md).
 */
function xattrBinding(): XattrBinding {
  binding ??= createRequire(import.meta.url)('@napi-rs/xattr') as XattrBinding;
  return binding;
}

/** The extended attributes of a path (as pathBytes holds it), not following a final symlink, sorted by name. */
export function readXattrs(absPath: string): Xattr[] {
  if (hasRawBytes(absPath)) {
    const list = addonForBytes(absPath).readXattrs(encodePathBytes(absPath));
    return list.map(([name, value]) => ({ name, value })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  const { getAttributeSync, listAttributesSync } = xattrBinding();
  const names = listAttributesSync(absPath);
  if (names.length === 0) return [];
  const out: Xattr[] = [];
  for (const name of names.sort()) {
    const value = getAttributeSync(absPath, name);
    if (value !== null) out.push({ name, value: Buffer.from(value) });
  }
  return out;
}

/** Sets each xattr on a path (not following a final symlink); XATTR_INVALID when one is refused. */
export function writeXattrs(absPath: string, xattrs: readonly Xattr[]): void {
  if (xattrs.length === 0) return;
  if (hasRawBytes(absPath)) {
    try {
      return addonForBytes(absPath).writeXattrs(encodePathBytes(absPath), xattrs.map((x) => [x.name, x.value] as const));
    } catch (err) {
      if ((err as { syscall?: string }).syscall === 'lsetxattr') throw xattrRefused(err, absPath, xattrs.map((x) => x.name));
      throw err;
    }
  }
  const { setAttributeSync } = xattrBinding();
  for (const x of xattrs) {
    try {
      setAttributeSync(absPath, x.name, x.value);
    } catch (err) {
      throw xattrRefused(err, absPath, [x.name]);
    }
  }
}

/** @napi-rs/xattr takes paths as strings, which cannot hold a name that is not UTF-8: the native addon can. */
function addonForBytes(absPath: string): NativeAddon {
  const native = nativeAddon();
  if (native) return native;
  throw new HacktreeError('UNSUPPORTED_FILE_TYPE', `${quotePath(absPath)}: the extended attributes of a name that is not UTF-8 need hacktree's native addon`, {
    hint: 'build hacktree with its native addon ("npm run build" needs gcc and libisal-dev), and do not set HACKTREE_NATIVE=0',
    data: { path: absPath },
  });
}
