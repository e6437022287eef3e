import type { UpgradeResult } from '../../root/upgrade/upgradeRoot.js';

/** What `root upgrade NAME` found or did, in one line: the daemon's policy runs print the same. */
export function describeUpgrade(r: UpgradeResult): string {
  const remote = `${r.remoteCommit.slice(0, 12)} on remote ${r.remote}`;
  switch (r.outcome) {
    case 'available':
      return `root ${r.root}: an upgrade is available: ${remote} (here: ${r.localMaster?.slice(0, 12) ?? 'none'})`;
    case 'up-to-date':
      return `root ${r.root}: up to date with ${remote}${r.staged ? ` (staged: ${r.staged.commit.slice(0, 12)}, published by --apply)` : ''}`;
    case 'staged':
      return `root ${r.root}: staged ${r.commit} (${remote}${r.localReplayed ? ', local branch replayed' : ''}) in ${r.staged?.dir}: published at the next "hacktree root mount --all" or "hacktree root upgrade ${r.root} --apply"`;
    case 'applied':
      return `root ${r.root}: published ${r.commit} (${remote}${r.localReplayed ? ', local branch replayed' : ''}) at ${r.published?.dir}`;
  }
}
