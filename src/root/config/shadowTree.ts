import { chownSync, chmodSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { readXattrs, writeXattrs } from '../../platform/fs/readXattrs.js';
import { rootDeployDir } from '../deploy/deploymentState.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';

/** A writable shadow of a deployment: overlayfs directories staged beside the deployments. */
export interface ShadowTree {
  /** PREFIX/.real/root-NAME/config-shadow-PID: removed as a whole. */
  dir: string;
  /** The deployment's directories, overlayfs's read-only lower layers, topmost first. */
  lower: string[];
  upper: string;
  work: string;
  /** Where the overlay is mounted, only ever inside a private mount namespace. */
  merged: string;
}

const SHADOW_PREFIX = 'config-shadow-';
/** A checkout of a commit that is not deployed, staged as a shadow's lower layer (see reapplyConfig). */
export const BASE_PREFIX = 'config-base-';

/**
 * Stages an empty shadow of a deployment (its `layers`, topmost first) on the same filesystem.
 * The upper layer's top takes the top layer's owner, mode and xattrs (a layer's top carries the
 * commit's), since the merged view's top directory is the upper one.
 */
export function createShadowTree(prefix: string, name: string, layers: readonly string[]): ShadowTree {
  for (const path of [...layers, prefix]) {
    if (/[,:\\\n]/.test(path)) {
      throw new HacktreeError('USAGE', `${path} holds a character overlayfs options cannot carry (",", ":", "\\")`, {
        hint: 'use a prefix without these characters',
        data: { path },
      });
    }
  }
  const dir = join(rootDeployDir(prefix, name), `${SHADOW_PREFIX}${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { mode: 0o700 });
  const shadow: ShadowTree = { dir, lower: [...layers], upper: join(dir, 'upper'), work: join(dir, 'work'), merged: join(dir, 'merged') };
  for (const sub of [shadow.upper, shadow.work, shadow.merged]) mkdirSync(sub, { mode: 0o700 });
  const top = statSync(layers[0]!);
  chownSync(shadow.upper, top.uid, top.gid);
  chmodSync(shadow.upper, top.mode & 0o7777);
  writeXattrs(shadow.upper, readXattrs(layers[0]!));
  return shadow;
}

export function removeShadowTree(shadow: ShadowTree): void {
  rmSync(shadow.dir, { recursive: true, force: true });
}

/** The mount options of the shadow's overlay: no redirects, index or metacopy, so the upper layer reads plainly. */
export function overlayMountOptions(shadow: ShadowTree): string {
  return `lowerdir=${shadow.lower.join(':')},upperdir=${shadow.upper},workdir=${shadow.work},redirect_dir=off,index=off,metacopy=off`;
}

/**
 * Removes shadows (and staged base checkouts) left by applies that died (a crash, a kill): their process is gone, and so is
 * the private mount namespace their overlay lived in. Returns the directories removed.
 */
export function removeStaleShadowTrees(prefix: string, name: string): string[] {
  const parent = rootDeployDir(prefix, name);
  const removed: string[] = [];
  for (const entry of listDirectory(parent)) {
    const staged = /^config-(?:shadow|base)-(\d+)$/.exec(entry);
    if (staged === null) continue;
    const pid = Number(staged[1]);
    if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid)) continue;
    rmSync(join(parent, entry), { recursive: true, force: true });
    removed.push(join(parent, entry));
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if (errnoOf(err) === 'ESRCH') return false;
    throw err;
  }
}
