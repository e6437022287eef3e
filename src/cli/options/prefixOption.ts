import type { Options } from 'yargs';

/** `--prefix P`: where roots are deployed (resolvePrefix decides the default), for every deployment command. */
export const prefixOption = {
  type: 'string',
  describe: 'deployment prefix (default: HACKTREE_PREFIX, "prefix" in /etc/hacktree/hacktree.conf, /opt/hacktree)',
} as const satisfies Options;
