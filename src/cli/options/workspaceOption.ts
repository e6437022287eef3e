import type { Options } from 'yargs';

/** `-C DIR`: the workspace (a folder with recipes/, roots/, artifacts/) every builder command reads. */
export const workspaceOption = {
  alias: 'workspace',
  type: 'string',
  default: '.',
  defaultDescription: 'the current directory',
  describe: 'the workspace: a folder with recipes/, roots/ and artifacts/',
} as const satisfies Options;

export interface WorkspaceArgs {
  C: string;
}
