import type { Options } from 'yargs';
import { DEFAULT_REPO } from './globalArgs.js';

/** What `hacktree --help` says first, under its usage line (main.ts; the man page hacktree(1) says it too). */
export const programUsage = '$0 <command> [options]\n\nBuild operating-system roots and keep them in git.';

/**
 * The options every command accepts (GlobalArgs): main.ts gives them to yargs, and the man pages
 * and shell completions (src/cli/manual/) are written from the same objects.
 */
export const globalOptions = {
  repo: {
    type: 'string',
    default: process.env.HACKTREE_REPO ?? DEFAULT_REPO,
    defaultDescription: `$HACKTREE_REPO or ${DEFAULT_REPO}`,
    describe: 'the hacktree repository',
    global: true,
  },
  json: { type: 'boolean', default: false, describe: 'print data as JSON', global: true },
  verbose: { alias: 'v', type: 'boolean', default: false, describe: 'say more, with stack traces on errors', global: true },
  quiet: { alias: 'q', type: 'boolean', default: false, describe: 'say only what was asked for', global: true },
} as const satisfies Record<string, Options>;
