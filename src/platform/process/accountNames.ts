import { readFileSync } from 'node:fs';
import { errnoOf } from '../../errors/errnoOf.js';

/**
 * A user's name for a uid and a group's id for a name, from /etc/passwd and /etc/group, read
 * again at each call: the daemon outlives the accounts an admin adds or removes.
 */
export function userNameOf(uid: number): string | undefined {
  return readAccounts('/etc/passwd').find((a) => a.id === uid)?.name;
}

export function groupIdOf(name: string): number | undefined {
  return readAccounts('/etc/group').find((a) => a.name === name)?.id;
}

function readAccounts(file: string): Array<{ name: string; id: number }> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return [];
    throw err;
  }
  return text.split('\n').flatMap((line) => {
    const [name, , id] = line.split(':');
    return name && id !== undefined && /^[0-9]+$/.test(id) ? [{ name, id: Number(id) }] : [];
  });
}
