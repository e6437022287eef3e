/** Options every command accepts (see main.ts). */
export interface GlobalArgs {
  repo: string;
  json: boolean;
  verbose: boolean;
  quiet: boolean;
}

export const DEFAULT_REPO = '/var/lib/hacktree/repo';
