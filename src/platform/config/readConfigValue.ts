import { readFileSync } from 'node:fs';
import { HacktreeError } from '../../errors/HacktreeError.js';
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
    // Every user's commands read it (the prefix, the caches): unreadable is the admin's to fix.
    if (errnoOf(err) === 'EACCES') {
      throw new HacktreeError('NOT_PERMITTED', `cannot read hacktree's config file ${configFile}: permission denied`, {
        hint: `make it readable by every user (chmod 644 ${configFile}, and a+rx on its directory), or point HACKTREE_CONFIG at another file`,
        data: { path: configFile },
        cause: err,
      });
    }
    throw err;
  }
  let value: string | null = null;
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z0-9_.-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && m[1] === key && m[2] !== '') value = m[2]!.replace(/^"(.*)"$/, '$1');
  }
  return value;
}
