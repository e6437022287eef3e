import { basename } from 'node:path';
import { checkLocalArtifact } from '../../model/artifact/checkLocalArtifact.js';
import { mergeLocalArtifacts } from '../../model/artifact/localRecord.js';
import type { Oid } from '../../model/git/oid.js';
import type { DroppedDevel } from '../../model/artifact/replaceComponents.js';
import { parseRootName } from '../../model/root/rootName.js';
import { openArtifactIndex } from '../../store/artifacts/artifactIndex.js';
import { failpoint } from '../../platform/process/failpoint.js';
import { importArtifact } from '../../store/artifacts/importArtifact.js';
import { readRef } from '../../store/refs/refs.js';
import { openRepository } from '../../store/repository/repository.js';
import { withRepoWrite } from '../../store/repository/withRepoWrite.js';
import { applyLocalArtifacts, commitLocal, componentOf, findLocalRecord, localRef, readMasterTip } from './localBranch.js';
import { redeployLocal, type LocalBranchOptions, type RedeployOutcome } from './redeployLocal.js';

export interface InstallLocalOptions extends LocalBranchOptions {
  files: string[];
}

export interface InstallLocalResult {
  root: string;
  branch: string;
  /** The local branch's tip after the install. */
  commit: Oid;
  /** False when every artifact was installed already: nothing committed. */
  committed: boolean;
  /** True when this install made local/root-NAME (from the root's tip). */
  created: boolean;
  installed: string[];
  replaced: string[];
  droppedDevel: DroppedDevel[];
  deploy: RedeployOutcome;
}

/**
 * `hacktree root install-local ARTIFACT...`: imports local artifacts, replaces their components
 * on local/root-NAME (made from root-NAME on first use), commits, and redeploys if deployed.
 */
export async function installLocal(options: InstallLocalOptions): Promise<InstallLocalResult> {
  const root = parseRootName(options.name);
  const repo = openRepository(options.repoDir);
  await readMasterTip(repo, options.name);
  for (const file of options.files) checkLocalArtifact(basename(file), root, options.name);
  const outcome = await withRepoWrite(repo, async (refs) => {
    const masterTip = await readMasterTip(repo, options.name);
    const localTip = await readRef(repo, localRef(options.name));
    const index = openArtifactIndex(repo);
    const added = [];
    try {
      for (const [i, file] of options.files.entries()) {
        options.onProgress?.('importing', i, options.files.length);
        const imported = await importArtifact(repo, file, { index, refs });
        added.push({ sha256: imported.sha256, fileName: imported.fileName });
      }
    } finally {
      index.save();
    }
    failpoint('install-local-after-import');
    const record = localTip === null ? null : await findLocalRecord(repo, localTip);
    const base = localTip ?? masterTip;
    // Only the new artifacts are applied to the branch's tip; the record lists all in effect.
    const tree = await applyLocalArtifacts(repo, base, added, refs);
    const artifacts = mergeLocalArtifacts(record?.artifacts ?? [], added, componentOf);
    const names = added.map((a) => a.fileName);
    const commit = await commitLocal(repo, {
      name: options.name,
      parent: base,
      expected: localTip,
      tree,
      record: { base: record?.base ?? masterTip, artifacts },
      subject: `Install local ${names.length === 1 ? 'artifact' : 'artifacts'} into ${options.name}: ${names.join(' ')}`,
      refs,
    });
    return { commit: commit ?? base, committed: commit !== null, created: localTip === null && commit !== null, installed: names, tree };
  });
  failpoint('install-local-after-commit');
  const deploy = await redeployLocal({
    repoDir: options.repoDir,
    name: options.name,
    prefix: options.prefix,
    commit: outcome.commit,
    deploy: options.deploy,
    failpointPrefix: 'install-local',
    onProgress: options.onProgress,
  });
  return {
    root: options.name,
    branch: `local/root-${options.name}`,
    commit: outcome.commit,
    committed: outcome.committed,
    created: outcome.created,
    installed: outcome.installed,
    replaced: outcome.tree.replaced,
    droppedDevel: outcome.tree.droppedDevel,
    deploy,
  };
}
