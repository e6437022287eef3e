import { HacktreeError } from '../../errors/HacktreeError.js';
import { parseRootName } from '../../model/root/rootName.js';
import type { UpgradePolicy } from '../../model/root/upgradePolicy.js';
import { openRepository } from '../../store/repository/repository.js';
import { listUpgradePolicies, readUpgradePolicy, setUpgradePolicy, type SetUpgradePolicyOptions } from './upgradePolicyConfig.js';
import { readLastCheck } from './upgradeRecord.js';

export interface RootPolicy extends UpgradePolicy {
  /** When the policy (or `root upgrade`) last checked the root at the prefix, if ever. */
  lastCheck: string | null;
}

/** `hacktree root policy [NAME]`: the policy of one root, or of every root that has one, with its last check. */
export async function rootPolicies(options: { repoDir: string; prefix: string; name?: string }): Promise<RootPolicy[]> {
  const repo = openRepository(options.repoDir);
  const policies = options.name === undefined ? await listUpgradePolicies(repo) : [await readUpgradePolicy(repo, parseRootNameOf(options.name))];
  return policies.map((p) => ({ ...p, lastCheck: readLastCheck(options.prefix, p.root) }));
}

/**
 * `hacktree root policy NAME [POLICY] [--interval D] [--remote R]`. Root's only: a policy says
 * what the daemon, as root, does to a deployed root (through the daemon it would be refused the
 * same way, so setting one stays a direct command); anyone who can read the repository reads them.
 */
export async function setRootPolicy(options: SetUpgradePolicyOptions & { repoDir: string }): Promise<UpgradePolicy> {
  if (process.getuid?.() !== 0) {
    throw new HacktreeError('NOT_PERMITTED', `setting the upgrade policy of root ${options.name} needs root`, {
      hint: `the daemon applies it as root: run it as root (sudo hacktree root policy ${options.name} ...); "hacktree root policy" shows the policies to anyone`,
      data: { root: options.name },
    });
  }
  return setUpgradePolicy(openRepository(options.repoDir), options);
}

function parseRootNameOf(name: string): string {
  parseRootName(name);
  return name;
}

