import { serializeManifest } from '../../model/snapshot/manifest.js';
import type { TreeLayerSpec } from '../../model/snapshot/treeLayerSpec.js';
import { unionLayers, type Layer } from '../../model/snapshot/unionLayers.js';
import { commitSnapshot, type CommittedSnapshot } from './commitSnapshot.js';
import { readLayer } from './readLayer.js';
import { withRepoWrite } from '../repository/withRepoWrite.js';
import { openRepository } from '../repository/repository.js';
import type { ProgressCallback } from '../blobs/storeFilesInParallel.js';

export interface CommitLayersOptions {
  repoDir: string;
  branch: string;
  layers: readonly TreeLayerSpec[];
  message?: string;
  /** An SSH private key file: the commit is signed with it (git's gpgsig header). */
  signKey?: string;
  /** Later layers win where two provide one path differently (else that is a conflict). */
  union?: boolean;
  /** Commit nothing when the branch's tip already has the resulting tree. */
  unlessSameTree?: boolean;
  onProgress?: ProgressCallback;
}

/** Layers, in order, into one commit on BRANCH (`hacktree root commit`, `hacktree bootstrap`). */
export async function commitLayers(options: CommitLayersOptions): Promise<CommittedSnapshot & { entries: number }> {
  const repo = openRepository(options.repoDir);
  return withRepoWrite(repo, async (refs) => {
    const layers: Layer[] = [];
    for (const spec of options.layers) layers.push(await readLayer(repo, spec, { refs, onProgress: options.onProgress }));
    const { entries, providers } = unionLayers(layers, { union: options.union === true });
    const message = options.message ?? `Commit ${layers.map((l) => l.label).join(' + ')}`;
    const committed = await commitSnapshot(repo, {
      branch: options.branch,
      entries,
      extras: providers.size > 0 ? { manifest: serializeManifest(providers) } : {},
      message,
      refs,
      unlessSameTree: options.unlessSameTree,
      signKey: options.signKey,
    });
    return { ...committed, entries: entries.length };
  });
}
