import type { FsEntry } from '../snapshot/fsEntry.js';
import { parentOf, TOP, type RepoPath } from '../snapshot/repoPath.js';

/**
 * The part of a root its artifacts provide (the manifest names an artifact tarball for each
 * such path), with the directories that hold it: a root composed over a base without the base.
 * Pure: what a build stacks on its own toolchain base to see the root's components.
 */
export function artifactEntries(entries: readonly FsEntry[], providers: ReadonlyMap<string, string>): FsEntry[] {
  const keep = new Set<RepoPath>([TOP]);
  for (const entry of entries) {
    if (entry.kind === 'dir' || !isArtifactFileName(providers.get(entry.path))) continue;
    keep.add(entry.path);
    for (let dir = parentOf(entry.path); dir !== TOP && !keep.has(dir); dir = parentOf(dir)) keep.add(dir);
  }
  return entries.filter((entry) => keep.has(entry.path));
}

function isArtifactFileName(provider: string | undefined): boolean {
  return provider !== undefined && provider.endsWith(',.tar.gz');
}
