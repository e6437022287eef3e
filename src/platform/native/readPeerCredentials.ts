import type { Socket } from 'node:net';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { nativeAddon, nativeAddonStatus, type PeerCredentials } from './nativeAddon.js';

/**
 * Whether the kernel's record of a socket's peer can be read here: the native addon (Node has no
 * SO_PEERCRED), without which a daemon could not tell its callers apart and must not start.
 */
export function requirePeerCredentials(): void {
  if (nativeAddon() !== null) return;
  const status = nativeAddonStatus();
  throw new HacktreeError('DAEMON_UNAVAILABLE', `the daemon needs hacktree's native addon to read its callers' credentials (SO_PEERCRED), and it is not loaded: ${status.loaded ? 'loaded' : status.reason}`, {
    hint: 'build it with "npm run build" (setup.sh installs gcc and libisal-dev), and do not set HACKTREE_NATIVE=0 for the daemon',
  });
}

/** Who is at the other end of an accepted Unix socket connection, as the kernel recorded it at connect(2). */
export function readPeerCredentials(socket: Socket): PeerCredentials {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  const addon = nativeAddon();
  if (addon === null || typeof fd !== 'number' || fd < 0) {
    throw new HacktreeError('DAEMON_UNAVAILABLE', 'the caller\'s credentials cannot be read from this connection', {
      hint: 'the daemon listens on a Unix socket and needs the native addon; restart it with the addon built',
    });
  }
  return addon.peerCredentials(fd);
}
