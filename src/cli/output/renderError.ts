import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';

/** Turns any error into the text the user sees and an exit status. */
export function renderError(err: unknown, verbose: boolean): { text: string; exitCode: number; json: unknown } {
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
