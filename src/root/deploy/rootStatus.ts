import { layersOf, listDeployedRoots, readDeployState, requireDeployState, type DeploymentRecord, type RootDeployState } from './deploymentState.js';
import { isShowing } from './mountReadOnly.js';

export interface RootStatus extends RootDeployState {
  /** Whether PREFIX/root-NAME shows the current deployment right now. */
  published: boolean;
}

/** `hacktree root status [NAME]`: the recorded state of one or every deployed root; reads state files only. */
export function rootStatus(options: { prefix: string; name?: string }): RootStatus[] {
  const names = options.name === undefined ? listDeployedRoots(options.prefix) : [options.name];
  return names.map((name) => {
    const state = options.name === undefined ? readDeployState(options.prefix, name)! : requireDeployState(options.prefix, name);
    return { ...state, published: state.current !== null && isShowing(state.publicPath, layersOf(state.current)) };
  });
}

export function describeDeployment(record: DeploymentRecord | null): string {
  return record === null ? 'none' : `${record.commit.slice(0, 12)} on ${record.branch}, deployed ${record.deployedAt} (${record.dir}${record.base === undefined ? '' : `, a layer over ${record.base.dir}`})`;
}
