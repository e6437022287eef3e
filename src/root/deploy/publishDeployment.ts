import { mkdirSync, rmSync } from 'node:fs';
import { failpoint } from '../../platform/process/failpoint.js';
import { layersOf, writeDeployState, type DeploymentRecord, type RootDeployState } from './deploymentState.js';
import { publishReadOnly } from './mountReadOnly.js';
import { recordsOf } from './reconcileDeployment.js';

/**
 * Makes `record` (checked out already) root NAME's current deployment: the state is written
 * first, then PREFIX/root-NAME switches to it atomically (publishReadOnly), so a kill at any
 * point leaves the old or the new deployment published, complete, and the next command finishes
 * the switch (reconcileDeployment). Deployments beyond `keep` are removed after. A staged
 * deployment is published by this too, and the state then has none. Call it holding the root's
 * deploy lock.
 */
export function publishDeployment(before: RootDeployState | null, record: DeploymentRecord, options: { prefix: string; name: string; publicPath: string; keep: number }): RootDeployState {
  const { keep } = options;
  const kept = [record, ...recordsOf(before).filter((r) => r.id !== record.id)];
  const state: RootDeployState = {
    root: options.name,
    prefix: options.prefix,
    publicPath: options.publicPath,
    current: record,
    previous: kept[1] !== undefined && keep > 1 ? kept[1] : null,
    older: kept.slice(2, Math.max(2, keep)),
  };
  writeDeployState(state);
  failpoint('deploy-after-state');
  mkdirSync(state.publicPath, { recursive: true, mode: 0o755 });
  publishReadOnly(layersOf(record), state.publicPath);
  failpoint('deploy-after-mount');
  // A full checkout that a kept deployment is layered over stays until none is.
  const inUse = new Set(kept.slice(0, keep).flatMap(layersOf));
  for (const dir of new Set(kept.slice(keep).flatMap(layersOf))) {
    if (inUse.has(dir)) continue;
    failpoint('deploy-gc');
    rmSync(dir, { recursive: true, force: true });
  }
  return state;
}
