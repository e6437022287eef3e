import { describeEntry, type EntryDescription } from '../../model/snapshot/describeEntry.js';
import { entriesUnder, findEntry } from '../../model/snapshot/findEntry.js';
import type { Oid } from '../../model/git/oid.js';
import { parseRootPath } from '../../model/root/parseRootPath.js';
import { pathNotFound } from './pathNotFound.js';
import { readRootSnapshot } from './readRootSnapshot.js';

export interface RootPathListing {
  commit: Oid;
  path: string;
  /** A directory's children (every descendant with `recursive`), or the one entry at PATH. */
  entries: EntryDescription[];
}

/** `hacktree root ls NAME [PATH]`: like `ls -l` (and `ostree ls`) inside a root. */
export async function listRootPath(options: {
  repoDir: string;
  name: string;
  path?: string;
  recursive?: boolean;
}): Promise<RootPathListing> {
  const path = parseRootPath(options.path ?? '/');
  const { commit, snapshot } = await readRootSnapshot(options.repoDir, options.name);
  const entry = findEntry(snapshot.entries, path);
  if (!entry) throw pathNotFound(options.name, path);
  const listed = entry.kind === 'dir' ? entriesUnder(snapshot.entries, path, options.recursive === true) : [entry];
  return { commit, path, entries: listed.map(describeEntry) };
}
