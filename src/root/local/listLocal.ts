import { parseArtifactName } from '../../model/artifact/artifactName.js';
import { parseManifest } from '../../model/snapshot/manifest.js';
import type { Oid } from '../../model/git/oid.js';
import { parseRootName } from '../../model/root/rootName.js';
import { readSnapshot } from '../../store/snapshot/readSnapshot.js';
import { readRef } from '../../store/refs/refs.js';
import { openRepository } from '../../store/repository/repository.js';
import { findLocalRecord, localRef, readMasterTip } from './localBranch.js';

export interface LocalComponent {
  artifact: string;
  /** NAME-KIND */
  component: string;
  version: string | null;
  /** b=: opt or debug, which may differ from the root's (a debug build in an opt root). */
  flavor: string | null;
  sha256: string | null;
  /** Non-directory paths the manifest attributes to it. */
  paths: number;
}

export interface LocalListing {
  root: string;
  branch: string;
  /** The local branch's tip, null when the root has no local branch. */
  commit: Oid | null;
  /** The master commit the local branch was built on, and the master tip now. */
  base: Oid | null;
  master: Oid;
  components: LocalComponent[];
}

/** `hacktree root local NAME`: the local components of a root's local branch, from its manifest. */
export async function listLocal(options: { repoDir: string; name: string }): Promise<LocalListing> {
  parseRootName(options.name);
  const repo = openRepository(options.repoDir);
  const master = await readMasterTip(repo, options.name);
  const branch = `local/root-${options.name}`;
  const tip = await readRef(repo, localRef(options.name));
  if (!tip) return { root: options.name, branch, commit: null, base: null, master, components: [] };
  const snapshot = await readSnapshot(repo, tip);
  const counts = new Map<string, number>();
  for (const provider of parseManifest(snapshot.manifest ?? '').values()) counts.set(provider, (counts.get(provider) ?? 0) + 1);
  const record = await findLocalRecord(repo, tip);
  const shaOf = new Map(record?.artifacts.map((a) => [a.fileName, a.sha256]) ?? []);
  // The record lists what was installed (an artifact of no files too); the manifest, o=local providers.
  const names = new Set([...shaOf.keys(), ...[...counts.keys()].filter((p) => isLocalArtifact(p))]);
  const components = [...names].sort().map((artifact) => {
    const parsed = parseArtifactName(artifact);
    return {
      artifact,
      component: `${parsed.name}-${parsed.kind}`,
      version: parsed.keys.v ?? null,
      flavor: parsed.keys.b ?? null,
      sha256: shaOf.get(artifact) ?? null,
      paths: counts.get(artifact) ?? 0,
    };
  });
  return { root: options.name, branch, commit: tip, base: record?.base ?? null, master, components };
}

function isLocalArtifact(provider: string): boolean {
  return /(^|,)o=local(,|$)/.test(provider) && provider.endsWith(',.tar.gz');
}
