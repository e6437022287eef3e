import { isHacktreeError } from '../../errors/HacktreeError.js';
import { isUpgradeDue, type UpgradePolicy } from '../../model/root/upgradePolicy.js';
import { openRepository } from '../../store/repository/repository.js';
import { readDeployState } from '../deploy/deploymentState.js';
import { listUpgradePolicies } from './upgradePolicyConfig.js';
import { readLastCheck } from './upgradeRecord.js';
import { upgradeRoot, type UpgradeResult } from './upgradeRoot.js';

/** What one root's policy did in a run of runDueUpgrades. */
export type DueUpgradeEvent =
  | { kind: 'started'; root: string; policy: UpgradePolicy }
  | { kind: 'done'; root: string; policy: UpgradePolicy; result: UpgradeResult }
  | { kind: 'failed'; root: string; policy: UpgradePolicy; error: { code: string; message: string; hint?: string } }
  | { kind: 'skipped'; root: string; policy: UpgradePolicy; reason: string };

export interface DueUpgradesRun {
  events: DueUpgradeEvent[];
  /** When the earliest policy is next due (ISO 8601), or null when every root's policy is off: the daemon's next wake-up. */
  nextDueAt: string | null;
}

/**
 * The daemon's timer calls this (as often as it likes: a root whose interval has not passed
 * since its last check is left alone). For each root with a policy other than off
 * (`hacktree root policy`), deployed under `prefix`, whose interval has passed at `now`, it runs
 * `root upgrade` in the policy's mode (check, stage or apply), one root after another, recording
 * each outcome in the root's upgrade record (also a failure, which `root status` shows).
 * One root's failure never stops the others and is never thrown: it is a 'failed' event. Only
 * what makes the run itself impossible (an unreadable repository or policy) is thrown. Holds
 * no lock between roots; each upgrade takes the repository and deploy locks it needs, so a
 * command running meanwhile waits or fails with REPO_BUSY as with any other writer.
 */
export async function runDueUpgrades(options: {
  repoDir: string;
  prefix: string;
  now?: Date;
  onEvent?: (event: DueUpgradeEvent) => void;
}): Promise<DueUpgradesRun> {
  const now = options.now ?? new Date();
  const repo = openRepository(options.repoDir);
  const events: DueUpgradeEvent[] = [];
  const emit = (event: DueUpgradeEvent): void => {
    events.push(event);
    options.onEvent?.(event);
  };
  let nextDue: number | null = null;
  for (const policy of await listUpgradePolicies(repo)) {
    if (policy.policy === 'off') continue;
    const { root } = policy;
    if (readDeployState(options.prefix, root)?.current == null) {
      emit({ kind: 'skipped', root, policy, reason: `${root} is not deployed at ${options.prefix}` });
      continue;
    }
    const lastCheck = readLastCheck(options.prefix, root);
    let checkedAt = lastCheck;
    if (isUpgradeDue(policy, lastCheck, now)) {
      emit({ kind: 'started', root, policy });
      checkedAt = now.toISOString();
      try {
        const result = await upgradeRoot({ repoDir: repo.dir, name: root, prefix: options.prefix, mode: policy.policy, remote: policy.remote ?? undefined, now });
        emit({ kind: 'done', root, policy, result });
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        emit({ kind: 'failed', root, policy, error: { code: isHacktreeError(err) ? err.code : 'INTERNAL', message: err.message, ...(isHacktreeError(err) && err.hint !== undefined ? { hint: err.hint } : {}) } });
      }
    }
    const due = Date.parse(checkedAt ?? now.toISOString()) + policy.intervalSeconds * 1000;
    nextDue = nextDue === null ? due : Math.min(nextDue, due);
  }
  return { events, nextDueAt: nextDue === null ? null : new Date(nextDue).toISOString() };
}

/** A damaged record counts as no check: the upgrade writes it whole again. */
