import { readUpgradeRecord, type UpgradeRecord } from '../upgrade/upgradeRecord.js';
import { layersOf, listDeployedRoots, readDeployState, requireDeployState, type DeploymentRecord, type RootDeployState } from './deploymentState.js';
import { isShowing } from './mountReadOnly.js';

export interface RootStatus extends RootDeployState {
  /** Whether PREFIX/root-NAME shows the current deployment right now. */
  published: boolean;
  /** What the last `root upgrade` (or the daemon's policy) found and did; null when never run. */
  upgrade: UpgradeRecord | null;
}

/** `hacktree root status [NAME]`: the recorded state of one or every deployed root and its last upgrade; reads state files only. */
export function rootStatus(options: { prefix: string; name?: string }): RootStatus[] {
  const names = options.name === undefined ? listDeployedRoots(options.prefix) : [options.name];
  return names.map((name) => {
    const state = options.name === undefined ? readDeployState(options.prefix, name)! : requireDeployState(options.prefix, name);
    return { ...state, staged: state.staged ?? null, published: state.current !== null && isShowing(state.publicPath, layersOf(state.current)), upgrade: readUpgradeRecord(options.prefix, name) };
  });
}

export function describeDeployment(record: DeploymentRecord | null): string {
  return record === null ? 'none' : `${record.commit.slice(0, 12)} on ${record.branch}, deployed ${record.deployedAt} (${record.dir}${record.base === undefined ? '' : `, a layer over ${record.base.dir}`})`;
}

/** The last upgrade check in words: when, from where, what it found, and the failure if it failed. */
export function describeUpgrade(record: UpgradeRecord | null): string[] {
  if (record === null) return [];
  const seen = record.remoteCommit === null ? '' : `, remote at ${record.remoteCommit.slice(0, 12)}`;
  const lines = [`  upgrade:  last check ${record.lastCheck}${record.remote === '' ? '' : ` from remote ${record.remote}`}: ${record.outcome}${seen}`];
  if (record.lastFailure !== null) lines.push(`  failure:  error[${record.lastFailure.code}] at ${record.lastFailure.at}: ${record.lastFailure.message}`);
  return lines;
}
