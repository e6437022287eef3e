import { existsSync } from 'node:fs';
import { daemonSocketPath } from './daemonProtocol.js';

/**
 * Whether a command the daemon serves goes through it: HACKTREE_DAEMON=0 never, =1 always (root
 * too, to test the path); otherwise a user who is not root does when the daemon's socket exists,
 * and root works directly. Run at every such command's start: one getuid and one stat.
 */
export function usesDaemon(): boolean {
  const choice = process.env.HACKTREE_DAEMON;
  if (choice === '0') return false;
  if (choice === '1') return true;
  return process.getuid?.() !== 0 && existsSync(daemonSocketPath());
}
