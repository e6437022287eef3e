import type { JSONSchemaType } from 'ajv';
import { recordParser } from '../record/recordParser.js';
import { upgradeRecord as validateUpgradeRecord } from '../record/recordValidators.js';

/** What the last `root upgrade` (or the daemon's policy run) of a root found and did. */
export type UpgradeOutcome = 'up-to-date' | 'available' | 'staged' | 'applied' | 'failed';

/**
 * What PREFIX/.real/root-NAME/upgrade.json records: the last check of the root's remote, what it
 * saw there, what it did, and the last failure. What is staged is the deployment state's
 * (`staged`), which `root mount` reads at boot; this record names it for status only.
 */
export interface UpgradeRecord {
  root: string;
  /** The remote checked; empty when none could be found (see lastFailure). */
  remote: string;
  /** ISO 8601: when the last check or upgrade started, whatever its outcome (the policy's clock). */
  lastCheck: string;
  outcome: UpgradeOutcome;
  /** The commit of the root's branch on the remote at the last successful check. */
  remoteCommit: string | null;
  /** The commit the last stage or apply deployed (the local branch's when it was replayed). */
  deployedCommit: string | null;
  /** The last failure, kept until a later check or upgrade succeeds. */
  lastFailure: { at: string; code: string; message: string } | null;
}

const COMMIT = '^[0-9a-f]{40}$';

/** The JSON Schema of UpgradeRecord: recordValidators.ts holds it compiled (npm run --silent schemas). */
export const upgradeRecordJsonSchema: JSONSchemaType<UpgradeRecord> = {
  type: 'object',
  required: ['root', 'remote', 'lastCheck', 'outcome', 'remoteCommit', 'deployedCommit', 'lastFailure'],
  additionalProperties: false,
  properties: {
    root: { type: 'string' },
    remote: { type: 'string' },
    lastCheck: { type: 'string' },
    outcome: { type: 'string', enum: ['up-to-date', 'available', 'staged', 'applied', 'failed'] },
    // JSONSchemaType cannot type a required property that may be null: checked by the unit test.
    remoteCommit: { type: 'string', pattern: COMMIT, nullable: true } as never,
    deployedCommit: { type: 'string', pattern: COMMIT, nullable: true } as never,
    lastFailure: {
      type: 'object',
      nullable: true,
      required: ['at', 'code', 'message'],
      additionalProperties: false,
      properties: { at: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
    } as never,
  },
};

export const upgradeRecordParser = recordParser<UpgradeRecord>(validateUpgradeRecord);
