import { HacktreeError } from '../../errors/HacktreeError.js';
import type { DueUpgradesRun } from './runDueUpgrades.js';

/**
 * The error a run of the due policies ends with when a root's upgrade failed (each failure is
 * already recorded, and did not stop the other roots): a timer unit's run then shows as failed.
 */
export function dueUpgradesFailure(run: DueUpgradesRun): HacktreeError | undefined {
  const failed = run.events.flatMap((e) => (e.kind === 'failed' ? [e] : []));
  if (failed.length === 0) return undefined;
  const roots = failed.map((e) => `${e.root} (error[${e.error.code}])`).join(', ');
  return new HacktreeError('UPGRADE_FAILED', `the upgrade policy of ${failed.length === 1 ? 'root' : `${failed.length} roots`} ${roots} failed`, {
    hint: `"hacktree root status" shows each failure; "hacktree root upgrade ${failed[0]!.root}" tries it again now`,
    data: { failed: failed.map((e) => ({ root: e.root, ...e.error })) },
  });
}
