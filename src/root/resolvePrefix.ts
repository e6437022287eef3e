import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { errnoOf } from '../errors/errnoOf.js';

export const DEFAULT_PREFIX = '/opt/hacktree';
export const DEFAULT_CONFIG_FILE = '/etc/hacktree/hacktree.conf';

/**
 * Where roots are deployed: the `--prefix` option, else HACKTREE_PREFIX, else `prefix = …` in the
 * config file (HACKTREE_CONFIG, default /etc/hacktree/hacktree.conf), else /opt/hacktree.
 */
export function resolvePrefix(option?: string): string {
  if (option !== undefined && option !== '') return resolve(option);
  const fromEnv = process.env.HACKTREE_PREFIX;
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  const fromConfig = readConfigValue(process.env.HACKTREE_CONFIG || DEFAULT_CONFIG_FILE, 'prefix');
  return resolve(fromConfig ?? DEFAULT_PREFIX);
}

/** One `key = value` of the config file (blank lines and `#` comments skipped), or null. */
export function readConfigValue(configFile: string, key: string): string | null {
  let text: string;
  try {
    text = readFileSync(configFile, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return null;
    throw err;
  }
  let value: string | null = null;
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z0-9_.-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && m[1] === key && m[2] !== '') value = m[2]!.replace(/^"(.*)"$/, '$1');
  }
  return value;
}
