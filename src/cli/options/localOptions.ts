import type { Argv } from 'yargs';

/**
 * Keeps `keys`, options of a command with subcommands, from those subcommands: yargs makes every
 * option global (offered and shown by the commands under it) unless told global(keys, false),
 * which yargs documents and @types/yargs does not declare.
 */
export function localOptions<T>(y: Argv<T>, keys: readonly string[]): Argv<T> {
  return (y as unknown as { global(keys: readonly string[], global: boolean): Argv<T> }).global(keys, false);
}
