import { resolve } from 'node:path';
import type { Layer } from '../../model/snapshot/unionLayers.js';
import type { TreeLayerSpec } from '../../model/snapshot/treeLayerSpec.js';
import { readSnapshot } from './readSnapshot.js';
import { resolveRevision } from '../refs/refs.js';
import type { Repository } from '../repository/repository.js';
import type { ProgressCallback } from '../blobs/storeFilesInParallel.js';
import type { RefTransaction } from '../refs/refTransaction.js';

/** Brings one --tree layer into the store (each kind's code loaded only when used) and returns its entries. The caller holds the lock. */
export async function readLayer(
  repo: Repository,
  spec: TreeLayerSpec,
  options: { refs: RefTransaction; onProgress?: ProgressCallback },
): Promise<Layer> {
  const { refs, onProgress } = options;
  const label = `${spec.type}=${spec.value}`;
  switch (spec.type) {
    case 'dir': {
      const { snapshotDirectory } = await import('./snapshotDirectory.js');
      return { label, entries: await snapshotDirectory(repo, resolve(spec.value), onProgress) };
    }
    case 'tar': {
      const { snapshotTarball } = await import('../tarball/snapshotTarball.js');
      return { label, entries: await snapshotTarball(repo, resolve(spec.value), onProgress) };
    }
    case 'artifact': {
      const { importArtifact } = await import('../artifacts/importArtifact.js');
      const artifact = await importArtifact(repo, resolve(spec.value), { refs, onProgress });
      const snapshot = await readSnapshot(repo, artifact.commit);
      return { label, entries: snapshot.entries, provider: artifact.fileName };
    }
    case 'ref':
      return { label, entries: (await readSnapshot(repo, await resolveRevision(repo, spec.value))).entries };
  }
}
