import { HacktreeError } from '../../errors/HacktreeError.js';
import { parseDuration } from './duration.js';

/** What the daemon does for a root on its timer: nothing, check, stage, or apply (stage and publish). */
export const UPGRADE_POLICIES = ['off', 'check', 'stage', 'apply'] as const;
export type UpgradePolicyMode = (typeof UPGRADE_POLICIES)[number];

/** The check interval when none is set: daily, as rpm-ostreed-automatic.timer. */
export const DEFAULT_UPGRADE_INTERVAL_SECONDS = 86_400;

/** A root's automatic-upgrade policy, as `root policy` sets it. */
export interface UpgradePolicy {
  root: string;
  policy: UpgradePolicyMode;
  /** Seconds between two runs of the policy. */
  intervalSeconds: number;
  /** The remote it upgrades from; null: the one the root's branch was pulled from. */
  remote: string | null;
}

export function parseUpgradePolicyMode(text: string): UpgradePolicyMode {
  const mode = UPGRADE_POLICIES.find((p) => p === text);
  if (mode === undefined) {
    throw new HacktreeError('USAGE', `"${text}" is not an upgrade policy`, {
      hint: `give one of ${UPGRADE_POLICIES.join(', ')}`,
      data: { policy: text },
    });
  }
  return mode;
}

/** An interval as `root policy --interval` takes it ("6h", "1d", "30m"): at least a minute. */
export function parseUpgradeInterval(text: string): number {
  const seconds = parseDuration(text);
  if (seconds < 60) {
    throw new HacktreeError('USAGE', `upgrade interval "${text}" is shorter than a minute`, {
      hint: 'give an interval such as 30m, 6h or 1d',
      data: { interval: text },
    });
  }
  return seconds;
}

/**
 * Whether a root's policy runs at `now`: never when off, else when it never ran or its
 * interval has passed since its last check (failed or not). A clock set back (a last check in
 * the future) makes it due too, so a wrong clock never stops upgrades for good.
 */
export function isUpgradeDue(policy: UpgradePolicy, lastCheck: string | null, now: Date): boolean {
  if (policy.policy === 'off') return false;
  if (lastCheck === null) return true;
  const last = Date.parse(lastCheck);
  if (Number.isNaN(last) || last > now.getTime()) return true;
  return now.getTime() - last >= policy.intervalSeconds * 1000;
}

/** An interval in the largest unit that divides it: 21600 -> "6h". */
export function formatInterval(seconds: number): string {
  for (const [unit, size] of [['w', 604_800], ['d', 86_400], ['h', 3600], ['m', 60]] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
