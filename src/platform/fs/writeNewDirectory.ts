import { lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';

/**
 * Makes DEST (absent, or an empty directory) as `fill` writes it, all or nothing: `fill` writes
 * into a hidden directory beside DEST (one filesystem), renamed to DEST when it returns. When
 * `fill` throws, the hidden directory and any parent made for it are removed, and DEST is as
 * it was. `hint` says what to do when DEST is taken.
 */
export async function writeNewDirectory<T>(dest: string, fill: (dir: string) => Promise<T>, options: { hint: string }): Promise<T> {
  const destIsEmptyDir = checkDestination(dest, options.hint);
  const { workdir, madeParent } = makeWorkdir(dest);
  let placed = false;
  try {
    const result = await fill(workdir);
    place(workdir, dest, destIsEmptyDir, options.hint);
    placed = true;
    return result;
  } finally {
    if (!placed) {
      rmSync(workdir, { recursive: true, force: true });
      if (madeParent !== undefined) rmSync(madeParent, { recursive: true, force: true });
    }
  }
}

function checkDestination(dest: string, hint: string): boolean {
  let stat;
  try {
    stat = lstatSync(dest);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return false;
    if (errnoOf(err) !== 'ENOTDIR') throw err;
    throw new HacktreeError('PATH_OCCUPIED', `${dest} cannot be made: a directory above it is a file`, { hint, data: { dest } });
  }
  if (stat.isDirectory() && readdirSync(dest).length === 0) return true;
  throw destNotEmpty(dest, hint);
}

function makeWorkdir(dest: string): { workdir: string; madeParent: string | undefined } {
  let madeParent: string | undefined;
  try {
    madeParent = mkdirSync(dirname(dest), { recursive: true });
    return { workdir: mkdtempSync(join(dirname(dest), `.${basename(dest)}.hacktree-`)), madeParent };
  } catch (err) {
    if (madeParent !== undefined) rmSync(madeParent, { recursive: true, force: true });
    const errno = errnoOf(err);
    if (errno !== 'EACCES' && errno !== 'EPERM' && errno !== 'EROFS') throw err;
    throw new HacktreeError('NOT_PERMITTED', `cannot create ${dest}: ${errno} in ${dirname(dest)}`, {
      hint: 'name a directory in a place you can write to',
      data: { dest, errno },
    });
  }
}

/** Someone may have filled DEST meanwhile: the rename then refuses and their files stay. */
function place(workdir: string, dest: string, destIsEmptyDir: boolean, hint: string): void {
  if (destIsEmptyDir) rmdirSync(dest);
  try {
    renameSync(workdir, dest);
  } catch (err) {
    if (destIsEmptyDir) mkdirSync(dest, { recursive: true });
    if (errnoOf(err) === 'ENOTEMPTY' || errnoOf(err) === 'EEXIST') throw destNotEmpty(dest, hint);
    throw err;
  }
}

function destNotEmpty(dest: string, hint: string): HacktreeError {
  return new HacktreeError('DEST_NOT_EMPTY', `${dest} already exists and is not an empty directory`, { hint, data: { dest } });
}
