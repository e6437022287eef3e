import { listDeployedRoots } from '../../root/deploy/deploymentState.js';
import { mountDeployedRoots } from '../../root/deploy/mountDeployedRoots.js';

/**
 * At the daemon's start, what `root mount --all` does but publishing what is staged: every
 * deployed root shows its recorded deployment again and what a killed operation left (a half-made
 * checkout, a stacked mount) is removed; a daemon killed half-way through a switch thus cleans up after itself when it next
 * starts. Needs root; a daemon run by another user (a test's) has nothing it could clean.
 */
export async function recoverDeployments(prefix: string, log: (line: string) => void): Promise<void> {
  if (process.getuid?.() !== 0 || listDeployedRoots(prefix).length === 0) return;
  // A staged upgrade waits for the next boot or --apply: a socket-activated daemon starts often.
  const mounted = await mountDeployedRoots({ prefix, keepStaged: true });
  for (const root of mounted.filter((m) => m.mounted)) log(`published ${root.root} again at ${root.publicPath} (an operation was interrupted)`);
}
