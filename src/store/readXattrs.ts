import { createRequire } from 'node:module';
import type { Xattr } from '../model/fsEntry.js';
import { xattrRefused } from './xattrRefused.js';

type XattrBinding = typeof import('@napi-rs/xattr');
let binding: XattrBinding | undefined;

/**
 * @napi-rs/xattr, loaded on first use with require: an import of the CommonJS package made node
 * lex its source for named exports in every thread that loaded this file, and compile the lexer
 * (~30 ms of V8's background compiling per thread in a W1 commit: the main thread and each blob
 * worker), though the native addon does most xattr reads and writes.
 */
function xattrBinding(): XattrBinding {
  binding ??= createRequire(import.meta.url)('@napi-rs/xattr') as XattrBinding;
  return binding;
}

/** The extended attributes of a path, not following a final symlink, sorted by name. */
export function readXattrs(absPath: string): Xattr[] {
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
  const { setAttributeSync } = xattrBinding();
  for (const x of xattrs) {
    try {
      setAttributeSync(absPath, x.name, x.value);
    } catch (err) {
      throw xattrRefused(err, absPath, [x.name]);
    }
  }
}
