import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';

/** A failed build's error, saying where its work directory was kept and why (--keep-failed, or for the next run). */
export function withKeptWorkdir(err: unknown, workdir: string, why = '--keep-failed'): unknown {
  if (!isHacktreeError(err)) return err;
  const kept = why === '--keep-failed' ? `the work directory is kept (--keep-failed): ${workdir}; remove it when done` : `the work directory is kept (${why}): ${workdir}`;
  return new HacktreeError(err.code, err.message, {
    hint: err.hint === undefined ? kept : `${err.hint}; ${kept}`,
    data: { ...err.data, keptWorkdir: workdir },
    cause: err,
  });
}
