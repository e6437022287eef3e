import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import { parseArtifactName } from '../../model/artifact/artifactName.js';
import { parseManifest } from '../../model/snapshot/manifest.js';
import type { Oid } from '../../model/git/oid.js';
import type { RawRepair } from '../../store/raw/ensureSoundRaw.js';
import { failpoint } from '../../platform/process/failpoint.js';
import { readSnapshotManifest } from '../../store/snapshot/readSnapshot.js';
import { readRef, resolveRevision } from '../../store/refs/refs.js';
import { openRepository, type Repository } from '../../store/repository/repository.js';
import { publicPathOf, readDeployState, requireDeployState, rootDeployDir, writeDeployState, type DeploymentRecord, type RootDeployState } from './deploymentState.js';
import { withDeployLock } from './deployLock.js';
import { checkPrefix, ensureRealDir } from './ensureRealDir.js';
import { requireRootUser } from './mountReadOnly.js';
import { verifyPulledSignature } from '../remote/verifyPulledSignature.js';
import { checkPublicPath, reconcileDeployment } from './reconcileDeployment.js';
import { publishDeployment } from './publishDeployment.js';
import { stageDeployment } from './stageDeployment.js';

export interface DeployOptions {
  repoDir: string;
  name: string;
  prefix: string;
  /** A commit id or ref; default: the tip of local/root-NAME if that branch exists, else root-NAME. */
  commit?: string;
  /** Deployments kept, the current one included (default 2: current and previous). */
  keep?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
  /** Hears of each damaged raw cache entry the checkout found and rewrote (see ensureSoundRaw). */
  onRawRepaired?: (repair: RawRepair) => void;
  /**
   * False: check the deployment out and record it as staged (`root upgrade --stage`), leaving
   * the published one as it is; only for a deployed root. A later deploy of the same commit (or
   * `root mount`) publishes it without checking it out again.
   */
  publish?: boolean;
}

/** A root name as a path component and ref suffix: no '/', nothing hidden. */
export function checkDeployName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(name)) {
    throw new HacktreeError('ROOT_NAME_INVALID', `"${name}" is not a root name that can be deployed`, {
      hint: 'give the root name without root-, e.g. 3.2-runtime-opt-x86_64',
      data: { root: name },
    });
  }
}

/**
 * `hacktree root checkout NAME`: makes a new deployment of the commit under
 * PREFIX/.real/root-NAME/ (a full checkout, or a layer over the current one's full checkout: see
 * stageDeployment), records it, and switches PREFIX/root-NAME to it atomically. The state is
 * written before the switch, so a killed deploy is finished by the next command (see
 * reconcileDeployment); the previous deployment is kept, older ones beyond `keep` removed.
 */
export async function deployRoot(options: DeployOptions): Promise<RootDeployState> {
  const { name, prefix } = options;
  const keep = options.keep ?? 2;
  if (!Number.isInteger(keep) || keep < 1) throw new HacktreeError('USAGE', `--keep must be a whole number >= 1, not ${keep}`);
  checkDeployName(name);
  checkPrefix(prefix);
  requireRootUser();
  const repo = openRepository(options.repoDir);
  const { commit, branch } = await deployedCommit(repo, name, options.commit);
  if (branch === `root-${name}`) await verifyPulledSignature(repo, branch, commit);
  ensureRealDir(prefix, name);
  return withDeployLock(prefix, name, async () => {
    checkPublicPath(prefix, name);
    // Only a deployed root has a published deployment to stage the next one beside.
    const before = options.publish === false ? requireDeployState(prefix, name) : readDeployState(prefix, name);
    reconcileDeployment(prefix, name, before);
    if (before?.current?.commit === commit) return before;
    const wasStaged = before?.staged?.commit === commit ? before.staged : null;
    if (wasStaged !== null && options.publish === false) return before!;
    if (wasStaged !== null) return publishDeployment(before, wasStaged, { prefix, name, publicPath: publicPathOf(prefix, name), keep });
    const staged = await stageDeployment(repo, {
      dir: join(rootDeployDir(prefix, name), newDeploymentId(prefix, name, commit)),
      commit,
      current: before?.current ?? null,
      onProgress: options.onProgress,
      onRawRepaired: options.onRawRepaired,
    });
    const record: DeploymentRecord = {
      id: basename(staged.dir),
      commit,
      branch,
      deployedAt: new Date().toISOString(),
      dir: staged.dir,
      ...(staged.base === undefined ? {} : { base: staged.base }),
      localArtifacts: localArtifactsOf(await readSnapshotManifest(repo, commit)),
      repo: repo.dir,
    };
    failpoint('deploy-after-checkout');
    if (options.publish === false) {
      // The state names the staged deployment before anything can publish it.
      const state: RootDeployState = { ...before!, staged: record };
      writeDeployState(state);
      failpoint('deploy-after-stage');
      return state;
    }
    return publishDeployment(before, record, { prefix, name, publicPath: publicPathOf(prefix, name), keep });
  });
}

async function deployedCommit(repo: Repository, name: string, requested?: string): Promise<{ commit: Oid; branch: string }> {
  const localBranch = `local/root-${name}`;
  const masterBranch = `root-${name}`;
  const localTip = await readRef(repo, `refs/heads/${localBranch}`);
  if (requested !== undefined) {
    const commit = await resolveRevision(repo, requested);
    return { commit, branch: commit === localTip ? localBranch : masterBranch };
  }
  if (localTip) return { commit: localTip, branch: localBranch };
  const masterTip = await readRef(repo, `refs/heads/${masterBranch}`);
  if (masterTip) return { commit: masterTip, branch: masterBranch };
  throw new HacktreeError('REF_NOT_FOUND', `no root named "${name}" (no branch ${masterBranch} or ${localBranch}) in ${repo.dir}`, {
    hint: 'list roots with "hacktree root list"; compose one with "hacktree root compose NAME"',
    data: { root: name },
  });
}

function newDeploymentId(prefix: string, name: string, commit: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const base = `${stamp}-${commit.slice(0, 12)}`;
  let id = base;
  for (let n = 2; existsSync(join(rootDeployDir(prefix, name), id)); n++) id = `${base}.${n}`;
  return id;
}

/** The artifacts with o=local that a composed root's manifest names. */
export function localArtifactsOf(manifest: string | undefined): string[] {
  if (manifest === undefined) return [];
  const local = new Set<string>();
  for (const artifact of new Set(parseManifest(manifest).values())) {
    try {
      if (parseArtifactName(artifact).keys.o === 'local') local.add(artifact);
    } catch (err) {
      // A manifest line naming something that is not an artifact file name has no origin.
      if (!isHacktreeError(err, 'ARTIFACT_NAME_INVALID')) throw err;
    }
  }
  return [...local].sort();
}
