import { HacktreeError, isHacktreeError } from '../errors/HacktreeError.js';

/** A failed build's error, saying where --keep-failed kept its work directory. */
export function withKeptWorkdir(err: unknown, workdir: string): unknown {
  if (!isHacktreeError(err)) return err;
  const kept = `the work directory is kept (--keep-failed): ${workdir}; remove it when done`;
  return new HacktreeError(err.code, err.message, {
    hint: err.hint === undefined ? kept : `${err.hint}; ${kept}`,
    data: { ...err.data, keptWorkdir: workdir },
    cause: err,
  });
}
