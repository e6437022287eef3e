import { parseArtifactName } from '../../model/artifact/artifactName.js';
import { summarizeCommit, signatureDate, type CommitSummary } from '../../model/git/commitSummary.js';
import { countProviders, type ProviderCount } from '../../model/snapshot/countProviders.js';
import type { EntryKind } from '../../model/snapshot/fsEntry.js';
import { parseManifest } from '../../model/snapshot/manifest.js';
import type { Oid } from '../../model/git/oid.js';
import { readCommit } from '../../store/objects/readCommit.js';
import { readRootSnapshot } from './readRootSnapshot.js';

export interface RootDescription extends CommitSummary {
  ref: string | null;
  committer: { name: string; email: string; date: string };
  tree: Oid;
  entries: Record<EntryKind, number> & { total: number };
  /** Bytes in regular files. */
  totalSize: number;
  /** From the manifest: the base branch the root is composed over, and how many paths it provided. */
  bases: ProviderCount[];
  /** From the manifest: each master artifact (`root compose`'s) and how many paths it provided. */
  artifacts: ProviderCount[];
  /** From the manifest: each local artifact (o=local, a local branch's) and how many paths it provided. */
  local: ProviderCount[];
  /** For an imported artifact's own commit: what it records about the tarball. */
  artifactRecord?: unknown;
}

/** `hacktree root show NAME`: the commit, what its tree holds, and which artifacts built it. */
export async function showRoot(options: { repoDir: string; name: string }): Promise<RootDescription> {
  const { repo, commit, ref, snapshot } = await readRootSnapshot(options.repoDir, options.name);
  const parsed = await readCommit(repo, commit);
  const entries = { dir: 0, file: 0, symlink: 0, chardev: 0, blockdev: 0, fifo: 0, total: snapshot.entries.length };
  let totalSize = 0;
  for (const entry of snapshot.entries) {
    entries[entry.kind]++;
    if (entry.kind === 'file') totalSize += entry.size;
  }
  const manifest = snapshot.manifest === undefined ? new Map<string, string>() : parseManifest(snapshot.manifest);
  return {
    ...summarizeCommit(commit, parsed),
    ref,
    committer: { name: parsed.committer.name, email: parsed.committer.email, date: signatureDate(parsed.committer) },
    tree: snapshot.tree,
    entries,
    totalSize,
    ...partitionProviders(countProviders(manifest.values())),
    ...(snapshot.artifact === undefined ? {} : { artifactRecord: parseArtifactRecord(snapshot.artifact) }),
  };
}

function parseArtifactRecord(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    // Written by hacktree as JSON; anything else is shown as it is rather than refused.
    if (err instanceof SyntaxError) return text;
    throw err;
  }
}

/** A manifest's providers by what they are: base branches, master artifacts, local artifacts. */
function partitionProviders(counts: ProviderCount[]): Pick<RootDescription, 'bases' | 'artifacts' | 'local'> {
  const isArtifact = (c: ProviderCount) => c.artifact.endsWith(',.tar.gz');
  const isLocal = (c: ProviderCount) => isArtifact(c) && parseArtifactName(c.artifact).keys.o === 'local';
  return {
    bases: counts.filter((c) => !isArtifact(c)),
    artifacts: counts.filter((c) => isArtifact(c) && !isLocal(c)),
    local: counts.filter(isLocal),
  };
}
