import type { Argv } from 'yargs';

/** `-C DIR`: the workspace (recipes/, roots/, artifacts/) the builder commands work on. */
export function withWorkspaceOption<T>(y: Argv<T>): Argv<T & { C: string }> {
  return y.option('C', { type: 'string', default: '.', describe: 'the workspace: a folder with recipes/, roots/ and artifacts/', defaultDescription: 'the current directory' });
}
