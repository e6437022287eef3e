import { countProviders, type ProviderCount } from '../../model/snapshot/countProviders.js';
import { entriesUnder, findEntry } from '../../model/snapshot/findEntry.js';
import type { EntryKind } from '../../model/snapshot/fsEntry.js';
import { parseManifest } from '../../model/snapshot/manifest.js';
import type { Oid } from '../../model/git/oid.js';
import { parseRootPath } from '../../model/root/parseRootPath.js';
import { pathNotFound } from './pathNotFound.js';
import { readRootSnapshot } from './readRootSnapshot.js';

export interface RootBlame {
  commit: Oid;
  path: string;
  kind: EntryKind;
  /** The artifact that provided PATH; null when it came from a non-artifact layer (or is a directory). */
  artifact: string | null;
  /** For a directory: the artifacts that provided anything under it. */
  artifacts?: ProviderCount[];
  /** For a directory: entries under it (directories aside) that no artifact provided. */
  fromOtherLayers?: number;
}

/** `hacktree root blame NAME PATH`: which artifact provided a path, from the root's manifest. */
export async function blameRootPath(options: { repoDir: string; name: string; path: string }): Promise<RootBlame> {
  const path = parseRootPath(options.path);
  const { commit, snapshot } = await readRootSnapshot(options.repoDir, options.name);
  const entry = findEntry(snapshot.entries, path);
  if (!entry) throw pathNotFound(options.name, path);
  const manifest = snapshot.manifest === undefined ? new Map<string, string>() : parseManifest(snapshot.manifest);
  if (entry.kind !== 'dir') return { commit, path, kind: entry.kind, artifact: manifest.get(path) ?? null };
  const providers: string[] = [];
  let fromOtherLayers = 0;
  // The manifest names no directories: a directory is blamed on what lies beneath it.
  for (const below of entriesUnder(snapshot.entries, path, true)) {
    if (below.kind === 'dir') continue;
    const artifact = manifest.get(below.path);
    if (artifact === undefined) fromOtherLayers++;
    else providers.push(artifact);
  }
  return { commit, path, kind: 'dir', artifact: null, artifacts: countProviders(providers), fromOtherLayers };
}
