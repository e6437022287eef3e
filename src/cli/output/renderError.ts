import { userInfo } from 'node:os';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';

/** Turns any error into the text the user sees and an exit status. */
export function renderError(err: unknown, verbose: boolean): { text: string; exitCode: number; json: unknown } {
  const denied = permissionDenied(err);
  if (denied !== undefined) return renderError(denied, verbose);
  if (err instanceof HacktreeError) {
    let text = `hacktree: error[${err.code}]: ${err.message}\n`;
    if (err.hint) text += `  hint: ${err.hint}\n`;
    if (verbose && err.stack) text += `${err.stack}\n`;
    return { text, exitCode: err.exitCode, json: { error: { code: err.code, message: err.message, hint: err.hint, data: err.data } } };
  }
  const errno = errnoOf(err);
  const message = err instanceof Error ? err.message : String(err);
  let text = `hacktree: error[INTERNAL${errno ? `:${errno}` : ''}]: ${message}\n`;
  text += verbose && err instanceof Error && err.stack ? `${err.stack}\n` : '  hint: run again with --verbose for details, and report it if it persists\n';
  return { text, exitCode: 70, json: { error: { code: 'INTERNAL', errno, message } } };
}

/**
 * A system call refused for lack of permission on a path no check before it named is still the
 * user's to fix, not a bug: NOT_PERMITTED naming the path, the user and the call, not INTERNAL.
 */
function permissionDenied(err: unknown): HacktreeError | undefined {
  const errno = errnoOf(err);
  const { path, syscall } = (err ?? {}) as NodeJS.ErrnoException;
  if ((errno !== 'EACCES' && errno !== 'EPERM') || typeof path !== 'string') return undefined;
  const uid = process.getuid?.() ?? 0;
  const who = uid === 0 ? 'root' : `${userInfoName()} (uid ${uid})`;
  return new HacktreeError('NOT_PERMITTED', `${who} may not ${syscall ?? 'access'} ${path}: ${errno === 'EACCES' ? 'permission denied' : 'operation not permitted'}`, {
    hint: uid === 0
      ? `check the mode, owner, attributes (lsattr) and mount (read-only?) of ${path}`
      : 'run it as root; a member of the daemon\'s group does its part through the daemon when it runs (docs/daemon.md)',
    data: { path, errno, syscall },
    cause: err,
  });
}

function userInfoName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'this user';
  }
}
