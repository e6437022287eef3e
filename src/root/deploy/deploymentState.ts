import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { deployStateParser, type DeploymentRecord, type RootDeployState } from '../../model/root/deployStateSchema.js';

export type { DeploymentRecord, RootDeployState } from '../../model/root/deployStateSchema.js';

export const STATE_FILE = 'state.json';
/** Beside the state: what the last `root upgrade` found and did (src/root/upgrade/upgradeRecord.ts). */
export const UPGRADE_RECORD_FILE = 'upgrade.json';

/** PREFIX/.real: root-owned, 0700, so no one but hacktree edits the hardlinked files. */
export function realDir(prefix: string): string {
  return join(prefix, '.real');
}

/** PREFIX/.real/root-NAME: the root's deployments and its state file. */
export function rootDeployDir(prefix: string, name: string): string {
  return join(prefix, '.real', `root-${name}`);
}

/** PREFIX/root-NAME: where the current deployment is published, read-only. */
export function publicPathOf(prefix: string, name: string): string {
  return join(prefix, `root-${name}`);
}

/** The directories a deployment is shown from, topmost first: overlayfs's lower layers. */
export function layersOf(record: DeploymentRecord): string[] {
  return record.base === undefined ? [record.dir] : [record.dir, record.base.dir];
}

/** The recorded state of root NAME under `prefix`, or null when it was never deployed (or was undeployed). */
export function readDeployState(prefix: string, name: string): RootDeployState | null {
  const path = join(rootDeployDir(prefix, name), STATE_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return null;
    if (errnoOf(err) === 'EACCES') throw stateNotReadable(prefix, err);
    throw err;
  }
  const parsed = deployStateParser.parse(text);
  if (parsed.ok && parsed.value.root === name) return parsed.value;
  const why = parsed.ok ? `it records root ${parsed.value.root}, not ${name}` : parsed.why;
  // The state is the only record of which deployment is published and which are kept: never
  // guessed at or rebuilt from the directories, which could remove a deployment in use.
  throw new HacktreeError('RECORD_DAMAGED', `deployment state ${path} is damaged: ${why}`, {
    hint: `restore it from a backup; or, if root ${name} may be redeployed, unmount ${publicPathOf(prefix, name)}, remove ${rootDeployDir(prefix, name)} and run "hacktree root checkout ${name}" again`,
    data: { path, reason: why },
  });
}

/** The names of every root with a recorded deployment under `prefix`, sorted. */
export function listDeployedRoots(prefix: string): string[] {
  let names: string[];
  try {
    names = readdirSync(realDir(prefix));
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return [];
    if (errnoOf(err) === 'EACCES') throw stateNotReadable(prefix, err);
    throw err;
  }
  return names
    .filter((n) => n.startsWith('root-') && readDeployState(prefix, n.slice(5)) !== null)
    .map((n) => n.slice(5))
    .sort();
}

function stateNotReadable(prefix: string, cause: unknown): HacktreeError {
  return new HacktreeError('NOT_PERMITTED', `the deployment state under ${realDir(prefix)} is readable by root only`, {
    hint: `run it as root; the deployed roots themselves are readable by everyone under ${prefix}`,
    data: { prefix },
    cause,
  });
}

/** Writes the state file atomically: a temporary file in the same directory, fsynced, renamed over it. */
export function writeDeployState(state: RootDeployState): void {
  const dir = rootDeployDir(state.prefix, state.root);
  const tmp = join(dir, `.${STATE_FILE}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, STATE_FILE));
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/** The state of a deployed root, or NOT_DEPLOYED. */
export function requireDeployState(prefix: string, name: string): RootDeployState {
  const state = readDeployState(prefix, name);
  if (state === null || state.current === null) {
    throw new HacktreeError('NOT_DEPLOYED', `root ${name} is not deployed under ${prefix}`, {
      hint: 'see "hacktree root status" for the deployed roots, or deploy it with "hacktree root checkout NAME"',
      data: { root: name, prefix },
    });
  }
  return state;
}

/** Every recorded deployment under `prefix` checked out from the repository at `repoDir`, a staged one included. */
export function deploymentsOfRepository(prefix: string, repoDir: string): DeploymentRecord[] {
  return listDeployedRoots(prefix).flatMap((name) => {
    const state = readDeployState(prefix, name)!;
    return [state.current, state.previous, ...state.older, state.staged ?? null].filter((r): r is DeploymentRecord => r !== null && r.repo === repoDir);
  });
}
