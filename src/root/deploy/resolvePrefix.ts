import { resolve } from 'node:path';
import { configFile, readConfigValue } from '../../platform/config/readConfigValue.js';

export const DEFAULT_PREFIX = '/opt/hacktree';

/**
 * Where roots are deployed: the `--prefix` option, else HACKTREE_PREFIX, else `prefix = …` in the
 * config file (HACKTREE_CONFIG, default /etc/hacktree/hacktree.conf), else /opt/hacktree.
 */
export function resolvePrefix(option?: string): string {
  if (option !== undefined && option !== '') return resolve(option);
  const fromEnv = process.env.HACKTREE_PREFIX;
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  const fromConfig = readConfigValue(configFile(), 'prefix');
  return resolve(fromConfig ?? DEFAULT_PREFIX);
}
