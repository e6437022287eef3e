import { HacktreeError } from '../../errors/HacktreeError.js';
import type { PeerCredentials } from '../../platform/native/nativeAddon.js';
import { groupIdOf, userNameOf } from '../../platform/process/accountNames.js';
import type { OperationAccess } from './daemonOperations.js';

/**
 * Whether the caller may run the operation, from what the kernel says of it (never from what the
 * client sends): root may do everything, a member of `group` what `access` grants the group,
 * anyone else only what is open to anyone. A refusal names the operation, the caller and what
 * would allow it.
 */
export function authorizeOperation(options: { operation: string; access: OperationAccess; peer: PeerCredentials; group: string }): void {
  const { operation, access, peer, group } = options;
  if (peer.uid === 0 || access === 'anyone') return;
  const gid = groupIdOf(group);
  const member = gid !== undefined && (peer.gid === gid || peer.groups.includes(gid));
  if (access === 'group' && member) return;
  const name = userNameOf(peer.uid);
  const caller = name === undefined ? `uid ${peer.uid}` : `user ${name} (uid ${peer.uid})`;
  const needs = access === 'group' ? `root or a member of group ${group}` : 'root';
  const hint =
    access === 'group'
      ? gid === undefined
        ? `group ${group} does not exist: an admin makes it (groupadd ${group}) and adds ${name ?? `uid ${peer.uid}`} to it, or run it as root`
        : `an admin adds ${name ?? `uid ${peer.uid}`} to group ${group} (usermod -aG ${group} ${name ?? 'USER'}; it counts from the next login), or run it as root`
      : `run it as root (sudo hacktree ...): members of group ${group} may install-local, reset and update local branches and read`;
  throw new HacktreeError('DAEMON_REFUSED', `${caller} may not run ${operation} through the daemon: it needs ${needs}`, {
    hint,
    data: { operation, uid: peer.uid, gid: peer.gid, groups: peer.groups, group, needs: access },
  });
}
