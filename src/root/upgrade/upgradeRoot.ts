import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import type { Oid } from '../../model/git/oid.js';
import { parseRootName, rootBranch } from '../../model/root/rootName.js';
import type { UpgradeOutcome, UpgradeRecord } from '../../model/root/upgradeRecordSchema.js';
import { failpoint } from '../../platform/process/failpoint.js';
import { readRef } from '../../store/refs/refs.js';
import { readRemote } from '../../store/remote/remoteConfig.js';
import { openRepository, type Repository } from '../../store/repository/repository.js';
import { runGit } from '../../store/repository/runGit.js';
import type { ProgressCallback } from '../../store/blobs/storeFilesInParallel.js';
import { checkDeployName, deployRoot } from '../deploy/deployRoot.js';
import { readDeployState, requireDeployState, type DeploymentRecord } from '../deploy/deploymentState.js';
import { localRef } from '../local/localBranch.js';
import { updateLocal } from '../local/updateLocal.js';
import { pullRoots } from '../remote/pullRoots.js';
import { readRemoteRootCommit } from '../remote/readRemoteRootCommit.js';
import { readUpgradePolicy } from './upgradePolicyConfig.js';
import { readUpgradeRecord, writeUpgradeRecord } from './upgradeRecord.js';

/** check: only compare with the remote; stage: pull, replay, check out unpublished; apply: that, then publish. */
export type UpgradeMode = 'check' | 'stage' | 'apply';

export interface UpgradeOptions {
  repoDir: string;
  name: string;
  prefix: string;
  mode: UpgradeMode;
  /** Default: the root's policy's remote, else the remote its branch was pulled from. */
  remote?: string;
  /** The time recorded as the check's (default: the clock's); runDueUpgrades passes its own. */
  now?: Date;
  onProgress?: ProgressCallback;
  onDeployProgress?: (phase: string, done: number, total: number) => void;
  onGitProgress?: (text: string) => void;
}

export interface UpgradeResult {
  root: string;
  remote: string;
  mode: UpgradeMode;
  outcome: Exclude<UpgradeOutcome, 'failed'>;
  /** The root's branch on the remote. */
  remoteCommit: Oid;
  /** The root's branch here before (after --stage or --apply it is remoteCommit). */
  localMaster: Oid | null;
  /** The commit deployed now or staged: the local branch's, replayed on the new master, when there is one. */
  commit: Oid | null;
  /** Whether the local branch was rebuilt on the new master (`root update`). */
  localReplayed: boolean;
  published: DeploymentRecord | null;
  staged: DeploymentRecord | null;
}

/**
 * `hacktree root upgrade NAME`: brings a deployed root to its branch on the remote, the way
 * rpm-ostree upgrade and bootc upgrade do. --check compares with the remote (`git ls-remote`, or a
 * static repository's index) and changes
 * nothing but the upgrade record. --stage pulls the branch (pullRoots: quarantined, objects and,
 * on a --verify remote, signatures checked before the branch moves), replays the root's local
 * branch on it (updateLocal), and checks the result out as a staged deployment, published at the
 * next `root mount` (boot) or `--apply`. --apply stages, then publishes with the deployment's
 * atomic switch: a kill at any point leaves the old or the new root published, complete.
 * Every run, failed or not, writes the upgrade record (PREFIX/.real/root-NAME/upgrade.json);
 * a failure is recorded, then thrown.
 */
export async function upgradeRoot(options: UpgradeOptions): Promise<UpgradeResult> {
  const { name, prefix } = options;
  parseRootName(name);
  checkDeployName(name);
  requireDeployState(prefix, name);
  const repo = openRepository(options.repoDir);
  const at = (options.now ?? new Date()).toISOString();
  const previous = readPreviousRecord(prefix, name);
  // Unknown until resolved: a root without a remote is a recorded failure too.
  let remote = options.remote ?? '';
  try {
    remote = await upgradeRemote(repo, name, options.remote);
    const result = options.mode === 'check' ? await checkRoot(repo, name, remote) : await pullAndDeploy(repo, options, remote);
    writeUpgradeRecord(prefix, {
      root: name,
      remote,
      lastCheck: at,
      outcome: result.outcome,
      remoteCommit: result.remoteCommit,
      deployedCommit: result.outcome === 'staged' || result.outcome === 'applied' ? result.commit : (previous?.deployedCommit ?? null),
      lastFailure: null,
    });
    return { root: name, ...result, mode: options.mode, remote, published: readDeployState(prefix, name)?.current ?? null, staged: readDeployState(prefix, name)?.staged ?? null };
  } catch (err) {
    writeUpgradeRecord(prefix, {
      root: name,
      remote,
      lastCheck: at,
      outcome: 'failed',
      remoteCommit: previous?.remoteCommit ?? null,
      deployedCommit: previous?.deployedCommit ?? null,
      lastFailure: { at, code: isHacktreeError(err) ? err.code : 'INTERNAL', message: err instanceof Error ? err.message : String(err) },
    });
    throw err;
  }
}

type Found = Pick<UpgradeResult, 'outcome' | 'remoteCommit' | 'localMaster' | 'commit' | 'localReplayed'>;

async function checkRoot(repo: Repository, name: string, remoteName: string): Promise<Found> {
  const branch = rootBranch(name);
  const remoteCommit = await readRemoteRootCommit(repo, await readRemote(repo, remoteName), branch);
  if (remoteCommit === null) throw noRemoteBranch(remoteName, branch);
  const localMaster = await readRef(repo, `refs/heads/${branch}`);
  return { outcome: remoteCommit === localMaster ? 'up-to-date' : 'available', remoteCommit, localMaster, commit: null, localReplayed: false };
}

async function pullAndDeploy(repo: Repository, options: UpgradeOptions, remote: string): Promise<Found> {
  const { name, prefix } = options;
  const localMaster = await readRef(repo, `refs/heads/${rootBranch(name)}`);
  const { pulled } = await pullRoots({ repoDir: repo.dir, remote, roots: [name], onProgress: options.onProgress, onGitProgress: options.onGitProgress });
  const remoteCommit = pulled[0]!.commit;
  failpoint('upgrade-after-pull');
  let commit = remoteCommit;
  let localReplayed = false;
  if ((await readRef(repo, localRef(name))) !== null) {
    const update = await updateLocal({ repoDir: repo.dir, name, prefix, deploy: false });
    commit = update.commit;
    localReplayed = update.updated;
  }
  failpoint('upgrade-after-replay');
  const deploy = { repoDir: repo.dir, name, prefix, commit, onProgress: options.onDeployProgress };
  if (readDeployState(prefix, name)?.current?.commit === commit) {
    // Deploying the current commit publishes nothing new, but first finishes a switch that a
    // killed command left half done (the state names the new deployment, the old one shows).
    await deployRoot(deploy);
    return { outcome: 'up-to-date', remoteCommit, localMaster, commit, localReplayed };
  }
  await deployRoot({ ...deploy, publish: false });
  if (options.mode === 'stage') return { outcome: 'staged', remoteCommit, localMaster, commit, localReplayed };
  failpoint('upgrade-after-stage');
  await deployRoot(deploy);
  return { outcome: 'applied', remoteCommit, localMaster, commit, localReplayed };
}

/** The remote a root upgrades from: the one given, its policy's, or the one its branch was pulled from. */
async function upgradeRemote(repo: Repository, name: string, given: string | undefined): Promise<string> {
  if (given !== undefined) return (await readRemote(repo, given)).name;
  const policy = await readUpgradePolicy(repo, name);
  if (policy.remote !== null) return (await readRemote(repo, policy.remote)).name;
  const run = await runGit(repo, ['config', '--get', `branch.${rootBranch(name)}.hacktreeRemote`]);
  if (run.status === 0 && run.stdout.trim() !== '') return (await readRemote(repo, run.stdout.trim())).name;
  throw new HacktreeError('REMOTE_NOT_FOUND', `root ${name} has no remote to upgrade from: it was never pulled, and its policy names none`, {
    hint: `give --remote REMOTE, or set it once with "hacktree root policy ${name} --remote REMOTE"`,
    data: { root: name },
  });
}

/** A damaged record is written whole again by this run; status is where it is reported. */
function readPreviousRecord(prefix: string, name: string): UpgradeRecord | null {
  try {
    return readUpgradeRecord(prefix, name);
  } catch (err) {
    if (isHacktreeError(err, 'RECORD_DAMAGED')) return null;
    throw err;
  }
}

function noRemoteBranch(remote: string, branch: string): HacktreeError {
  return new HacktreeError('REF_NOT_FOUND', `remote "${remote}" has no branch ${branch}`, {
    hint: 'the remote names its roots root-NAME; "git ls-remote URL" lists them',
    data: { remote, branch },
  });
}
