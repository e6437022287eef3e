import { lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';

/**
 * `top/relative` as a directory reached without following a symlink: each component must be a
 * real directory (missing ones are made when `create`). Unpacking runs on the host, so a
 * symlink an earlier archive made (`evil -> /etc`) must never route a later write out of the
 * work directory. `relative` is already free of ".." (the SRC_URI parser checks it).
 */
export function dirInside(top: string, relative: string, options: { create: boolean }): string {
  let dir = top;
  for (const part of relative.split('/').filter((each) => each !== '' && each !== '.')) {
    dir = join(dir, part);
    let stat;
    try {
      stat = lstatSync(dir);
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT' || !options.create) throw err;
      mkdirSync(dir);
      continue;
    }
    if (stat.isSymbolicLink() || !stat.isDirectory()) {
      throw new HacktreeError('UNSAFE_PATH', `${dir} is ${stat.isSymbolicLink() ? 'a symlink' : 'not a directory'}, so ${join(top, relative)} cannot be reached inside the work directory`, {
        hint: 'an earlier source made this path a symlink or file; use another subdir=/patchdir=, or check the archives',
        data: { top, relative, at: dir },
      });
    }
  }
  return dir;
}
