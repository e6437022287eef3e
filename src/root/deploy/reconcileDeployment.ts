import { lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { failpoint } from '../../platform/process/failpoint.js';
import { isAlive } from '../../platform/fs/lockFile.js';
import { layersOf, publicPathOf, rootDeployDir, STATE_FILE, UPGRADE_RECORD_FILE, type DeploymentRecord, type RootDeployState } from './deploymentState.js';
import { countMountsAt, isSameDirectory, isShowing, overlayLayersAt, publishReadOnly, unmountTop } from './mountReadOnly.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';

export function recordsOf(state: RootDeployState | null): DeploymentRecord[] {
  if (state === null) return [];
  return [state.current, state.previous, ...state.older].filter((r): r is DeploymentRecord => r !== null);
}

/**
 * The directories of root NAME's deployments that PREFIX/root-NAME shows now (a checkout, or an
 * overlayfs's layers), or an empty list when it shows none of them.
 */
export function visibleDeploymentDirs(prefix: string, name: string): string[] {
  const publicPath = publicPathOf(prefix, name);
  if (countMountsAt(publicPath) === 0) return [];
  const dir = rootDeployDir(prefix, name);
  const layers = overlayLayersAt(publicPath);
  if (layers !== null) return layers.every((layer) => dirname(layer) === dir) ? layers : [];
  for (const id of listDirectory(dir)) {
    if (isSameDirectory(publicPath, join(dir, id))) return [join(dir, id)];
  }
  return [];
}

/**
 * Fails with PATH_OCCUPIED when PREFIX/root-NAME is something hacktree did not make: a file,
 * a directory with contents, or a mount of something other than one of this root's deployments.
 */
export function checkPublicPath(prefix: string, name: string): void {
  const publicPath = publicPathOf(prefix, name);
  let stat;
  try {
    stat = lstatSync(publicPath);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return;
    throw err;
  }
  const mounted = countMountsAt(publicPath) > 0;
  const ours = mounted ? visibleDeploymentDirs(prefix, name).length > 0 : stat.isDirectory() && readdirSync(publicPath).length === 0;
  if (ours) return;
  throw new HacktreeError('PATH_OCCUPIED', `${publicPath} is ${mounted ? 'a mount' : stat.isDirectory() ? 'a directory' : 'a file'} that hacktree did not make`, {
    hint: `move it away (or unmount it); hacktree publishes root ${name} there`,
    data: { path: publicPath },
  });
}

/**
 * Brings root NAME back to what its state file records, after a command was killed half-way:
 * PREFIX/root-NAME shows the current deployment (published if it is not yet), mounts a killed
 * switch left stacked are unmounted, and directories no record names (half-made checkouts, a
 * staged deployment another deployment replaced,
 * staging, deployments being garbage-collected, a temporary state file) are removed.
 */
export function reconcileDeployment(prefix: string, name: string, state: RootDeployState | null): void {
  const publicPath = publicPathOf(prefix, name);
  const current = state?.current ?? null;
  let mounts = countMountsAt(publicPath);
  if (current === null) {
    while (mounts > 0 && visibleDeploymentDirs(prefix, name).length > 0) {
      unmountTop(publicPath);
      mounts--;
    }
  } else {
    const layers = layersOf(current);
    while (mounts > 1 && !isShowing(publicPath, layers)) {
      unmountTop(publicPath);
      mounts--;
    }
    if (!isShowing(publicPath, layers)) {
      mkdirSync(publicPath, { recursive: true, mode: 0o755 });
      publishReadOnly(layers, publicPath);
    }
  }
  removeLeftovers(prefix, name, state);
}

function removeLeftovers(prefix: string, name: string, state: RootDeployState | null): void {
  const dir = rootDeployDir(prefix, name);
  const staged = state?.staged == null ? [] : layersOf(state.staged);
  const kept = new Set([...recordsOf(state).flatMap(layersOf), ...staged, ...visibleDeploymentDirs(prefix, name)]);
  for (const entry of listDirectory(dir)) {
    const path = join(dir, entry);
    if (entry === STATE_FILE || entry === UPGRADE_RECORD_FILE || kept.has(path) || isOfLiveProcess(entry)) continue;
    failpoint('deploy-cleanup');
    rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Whether a name ends in the pid of a live process (this one included): a checkout being staged
 * (.ID.hacktree-PID) or a config apply's shadow (config-shadow-PID) still in use.
 */
function isOfLiveProcess(entry: string): boolean {
  const pid = Number((/^\..*\.hacktree-(\d+)$/.exec(entry) ?? /^config-[a-z]+-(\d+)$/.exec(entry))?.[1]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid);
}
