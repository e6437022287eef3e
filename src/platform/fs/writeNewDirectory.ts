import { lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';

export interface NewDirectoryOptions {
  /** What to do when DEST is taken (DEST_NOT_EMPTY). */
  hint: string;
  /** The hidden work directory beside DEST is `.DEST.LABEL-XXXXXX` (default `hacktree`). */
  label?: string;
}

/** What `fill` made: its result, and the directory that becomes DEST (default: the work directory itself). */
export interface FilledDirectory<T> {
  value: T;
  tree?: string;
}

/**
 * Makes DEST (absent, or an empty directory) as `fill` writes it, all or nothing: `fill` writes
 * into a hidden work directory beside DEST (one filesystem), and the tree it names is renamed
 * to DEST when it returns. Whatever happens, the work directory goes; when `fill` throws, any
 * parent made for it goes too, and DEST is as it was.
 */
export async function writeNewDirectory<T>(dest: string, fill: (workdir: string) => Promise<FilledDirectory<T>>, options: NewDirectoryOptions): Promise<T> {
  const destIsEmptyDir = checkDestination(dest, options.hint);
  const { workdir, madeParent } = makeWorkdir(dest, options.label ?? 'hacktree');
  let placed = false;
  try {
    const filled = await fill(workdir);
    place(filled.tree ?? workdir, dest, destIsEmptyDir, options.hint);
    placed = true;
    return filled.value;
  } finally {
    rmSync(workdir, { recursive: true, force: true });
    if (!placed && madeParent !== undefined) rmSync(madeParent, { recursive: true, force: true });
  }
}

/** Whether DEST is an empty directory (true) or absent (false); anything else is DEST_NOT_EMPTY. */
function checkDestination(dest: string, hint: string): boolean {
  let stat;
  try {
    stat = lstatSync(dest);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return false;
    if (errnoOf(err) !== 'ENOTDIR') throw err;
    throw new HacktreeError('PATH_OCCUPIED', `${dest} cannot be made: a directory above it is a file`, { hint: 'name another DIR', data: { dest } });
  }
  if (stat.isDirectory() && readdirSync(dest).length === 0) return true;
  throw destNotEmpty(dest, hint);
}

/** The hidden directory beside DEST the work is done in, and the first parent it had to make. */
function makeWorkdir(dest: string, label: string): { workdir: string; madeParent: string | undefined } {
  let madeParent: string | undefined;
  try {
    madeParent = mkdirSync(dirname(dest), { recursive: true });
    return { workdir: mkdtempSync(join(dirname(dest), `.${basename(dest)}.${label}-`)), madeParent };
  } catch (err) {
    if (madeParent !== undefined) rmSync(madeParent, { recursive: true, force: true });
    const errno = errnoOf(err);
    if (errno !== 'EACCES' && errno !== 'EPERM' && errno !== 'EROFS') throw err;
    throw new HacktreeError('NOT_PERMITTED', `cannot create ${dest}: ${errno} in ${dirname(dest)}`, {
      hint: 'name a DIR in a directory you can write to',
      data: { dest, errno },
    });
  }
}

/**
 * Renames the finished tree to DEST. Someone may have filled DEST meanwhile: the rename then
 * refuses (DEST_NOT_EMPTY) and their files stay; an empty DEST that was replaced comes back.
 */
function place(tree: string, dest: string, destIsEmptyDir: boolean, hint: string): void {
  if (destIsEmptyDir) rmdirSync(dest);
  try {
    renameSync(tree, dest);
  } catch (err) {
    if (destIsEmptyDir) mkdirSync(dest, { recursive: true });
    if (errnoOf(err) === 'ENOTEMPTY' || errnoOf(err) === 'EEXIST') throw destNotEmpty(dest, hint);
    throw err;
  }
}

function destNotEmpty(dest: string, hint: string): HacktreeError {
  return new HacktreeError('DEST_NOT_EMPTY', `${dest} already exists and is not an empty directory`, { hint, data: { dest } });
}
