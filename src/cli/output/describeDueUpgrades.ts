import type { DueUpgradeEvent, DueUpgradesRun } from '../../root/upgrade/runDueUpgrades.js';
import { describeUpgrade } from './describeUpgrade.js';

/** One root's outcome in a run of the due upgrade policies; undefined for 'started' (its outcome follows). */
export function describeDueUpgradeEvent(event: DueUpgradeEvent): string | undefined {
  switch (event.kind) {
    case 'started':
      return undefined;
    case 'done':
      return `${describeUpgrade(event.result)} (policy ${event.policy.policy})`;
    case 'failed':
      return `root ${event.root}: policy ${event.policy.policy} failed: error[${event.error.code}] ${event.error.message}`;
    case 'skipped':
      return `root ${event.root}: policy ${event.policy.policy} skipped: ${event.reason}`;
  }
}

/** `root upgrade --due`: each root's outcome, then when the next policy is due. */
export function describeDueUpgrades(run: DueUpgradesRun): string[] {
  const lines = run.events.map(describeDueUpgradeEvent).filter((line) => line !== undefined);
  if (run.nextDueAt === null) return lines.length > 0 ? lines : ['no deployed root has an upgrade policy ("hacktree root policy NAME check|stage|apply" sets one)'];
  return [...(lines.length === 0 ? ['no upgrade policy is due'] : lines), `next due at ${run.nextDueAt}`];
}
