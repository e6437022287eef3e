import { HacktreeError } from '../../errors/HacktreeError.js';
import type { Repository } from '../repository/repository.js';

/** A ref hacktree cannot read: never "absent", since it may be the only name of a history. */
export interface DamagedRef {
  /** The ref's full name; null for a packed-refs line that names none. */
  ref: string | null;
  /** The file on disk: the loose ref (a file, link or directory) or packed-refs. */
  path: string;
  /** What is wrong, for a person. */
  detail: string;
}

/** One line per damaged ref, for messages and fsck's report. */
export function describeDamagedRef(damaged: DamagedRef): string {
  return damaged.ref === null ? damaged.detail : `${damaged.ref}: ${damaged.detail}`;
}

/**
 * REF_DAMAGED naming every unreadable ref, for a command that refuses to go on (`doing`: what
 * it would have done). Git itself can neither move nor delete a broken ref, hence the hint.
 */
export function damagedRefsError(repo: Repository, damaged: readonly DamagedRef[], doing?: string): HacktreeError {
  const count = damaged.length === 1 ? 'a ref' : `${damaged.length} refs`;
  const what = damaged.map(describeDamagedRef).join('; ');
  return new HacktreeError('REF_DAMAGED', `${doing === undefined ? '' : `${doing}: `}${count} in ${repo.dir} cannot be read (${what})`, {
    hint:
      `run "hacktree fsck" to list every unreadable ref, and "git --git-dir=${repo.dir} fsck" for the commits no ref reaches ("dangling commit"); ` +
      "write the right commit id into the ref's file, or remove the file, directory or packed-refs line (git update-ref cannot move or delete a broken ref)",
    data: { repo: repo.dir, damaged: damaged.map((d) => ({ ...d })) },
  });
}
