import { readFileSync } from 'node:fs';
import { errnoOf } from '../../errors/errnoOf.js';

/** hacktree's machine-wide settings (prefix, caches, source cache); HACKTREE_CONFIG names another file. */
export const DEFAULT_CONFIG_FILE = '/etc/hacktree/hacktree.conf';

export function configFile(): string {
  return process.env.HACKTREE_CONFIG || DEFAULT_CONFIG_FILE;
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
