import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { upgradeRecordParser, type UpgradeRecord } from '../../model/root/upgradeRecordSchema.js';
import { writeFileDurably } from '../../platform/fs/writeFileDurably.js';
import { rootDeployDir, UPGRADE_RECORD_FILE } from '../deploy/deploymentState.js';

export type { UpgradeRecord } from '../../model/root/upgradeRecordSchema.js';

/** PREFIX/.real/root-NAME/upgrade.json, beside the deployment state it reports on. */
export function upgradeRecordPath(prefix: string, name: string): string {
  return join(rootDeployDir(prefix, name), UPGRADE_RECORD_FILE);
}

/** The last upgrade record of root NAME, or null when it was never checked; RECORD_DAMAGED when it does not parse. */
export function readUpgradeRecord(prefix: string, name: string): UpgradeRecord | null {
  const path = upgradeRecordPath(prefix, name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return null;
    if (errnoOf(err) === 'EACCES') {
      throw new HacktreeError('NOT_PERMITTED', `the upgrade record ${path} is readable by root only`, { hint: 'run it as root', data: { path }, cause: err });
    }
    throw err;
  }
  const parsed = upgradeRecordParser.parse(text);
  if (parsed.ok && parsed.value.root === name) return parsed.value;
  const why = parsed.ok ? `it records root ${parsed.value.root}, not ${name}` : parsed.why;
  // Only a report: the next check writes it whole again.
  throw new HacktreeError('RECORD_DAMAGED', `upgrade record ${path} is damaged: ${why}`, {
    hint: `remove it; the next "hacktree root upgrade ${name} --check" writes it again`,
    data: { path, reason: why },
  });
}

export function writeUpgradeRecord(prefix: string, record: UpgradeRecord): void {
  writeFileDurably(upgradeRecordPath(prefix, record.root), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o644 });
}

/**
 * When root NAME was last checked, or null: also when its record is damaged (the next upgrade
 * writes it whole again; `root status` reports the damage) or not readable to this user.
 */
export function readLastCheck(prefix: string, name: string): string | null {
  try {
    return readUpgradeRecord(prefix, name)?.lastCheck ?? null;
  } catch (err) {
    if (isHacktreeError(err, 'RECORD_DAMAGED') || isHacktreeError(err, 'NOT_PERMITTED')) return null;
    throw err;
  }
}
