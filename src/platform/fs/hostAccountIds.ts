import { readFileSync } from 'node:fs';
import type { AclNameResolver } from '../../model/tar/posixAcl.js';

/**
 * This machine's user and group names (/etc/passwd, /etc/group), read on first use: `tar --acls`
 * writes names in ACLs, and GNU tar resolves them on the extracting machine, so hacktree does too.
 */
export function hostAccountIds(): AclNameResolver {
  let users: Map<string, number> | undefined;
  let groups: Map<string, number> | undefined;
  return {
    uid: (name) => (users ??= readIds('/etc/passwd')).get(name),
    gid: (name) => (groups ??= readIds('/etc/group')).get(name),
  };
}

function readIds(file: string): Map<string, number> {
  const ids = new Map<string, number>();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ids;
    throw err;
  }
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id !== undefined && /^[0-9]+$/.test(id) && !ids.has(name)) ids.set(name, Number(id));
  }
  return ids;
}
