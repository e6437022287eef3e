import { userInfo } from 'node:os';

/** Who this process runs as, for messages: "name (uid N)", or "uid N" when the uid has no passwd entry. */
export function currentUser(): string {
  const uid = process.getuid?.() ?? -1;
  try {
    return `${userInfo().username} (uid ${uid})`;
  } catch (err) {
    // userInfo throws a SystemError (ENOENT) for a uid that /etc/passwd does not name.
    if (err instanceof Error && 'code' in err) return `uid ${uid}`;
    throw err;
  }
}
