import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import { parseArtifactName, type ArtifactName } from './artifactName.js';
import { sameEntry, type FsEntry } from '../snapshot/fsEntry.js';
import { compareRepoPaths, parentOf, TOP, type RepoPath } from '../snapshot/repoPath.js';

/** A root's content: its entries and which artifact provided each non-directory path. */
export interface ComponentTree {
  entries: readonly FsEntry[];
  providers: ReadonlyMap<string, string>;
}

/** A local artifact to layer in place of its component. */
export interface ReplacementLayer {
  fileName: string;
  entries: readonly FsEntry[];
}

/** A master -devel that went with its component's -runtime, and why. */
export interface DroppedDevel {
  artifact: string;
  reason: string;
}

export interface ReplacedTree {
  entries: FsEntry[];
  providers: Map<string, string>;
  /** Artifacts whose paths were removed because a replacement took their component. */
  replaced: string[];
  /** Master -devel artifacts removed because a local -runtime no longer matched them. */
  droppedDevel: DroppedDevel[];
}

/**
 * Replaces components in a root, one local artifact after another (pure: no disk).
 *
 * For NAME-KIND: every path the manifest attributes to an artifact NAME-KIND (master's, or an
 * earlier local one) goes, and so does each directory that held something before and nothing
 * after; then the local artifact's entries are layered on top. A local -runtime alone keeps the
 * root's NAME-devel only if it still matches: same version (v=), none of its paths provided
 * differently by the local -runtime, and none of its symlinks left pointing at a path the removal
 * took away. Otherwise that -devel goes too, and is reported in `droppedDevel`.
 *
 * A non-directory path that another component provides differently is a TREE_CONFLICT naming
 * every such path; a directory shared with other components keeps the root's metadata.
 * `tree.entries` are sorted by path, as a snapshot holds them; every entry left alone is the
 * same object in the result (writeSnapshotOver reuses what it wrote for it).
 */
export function replaceComponents(tree: ComponentTree, layers: readonly ReplacementLayer[]): ReplacedTree {
  let entries = [...tree.entries];
  const providers = new Map(tree.providers);
  const replaced: string[] = [];
  const droppedDevel: DroppedDevel[] = [];
  const kindsInstalled = new Map(layers.map((l) => [componentKey(parseArtifactName(l.fileName)), true]));
  for (const layer of layers) {
    const local = parseArtifactName(layer.fileName);
    const doomed = new Set<string>(artifactsOf(providers, local.name, local.kind));
    if (local.kind === 'runtime' && !kindsInstalled.has(`${local.name}-devel`)) {
      for (const devel of artifactsOf(providers, local.name, 'devel')) {
        const reason = develMismatch(devel, local, layer, { entries, providers, doomed });
        if (reason !== null) {
          doomed.add(devel);
          droppedDevel.push({ artifact: devel, reason });
        }
      }
    }
    entries = removeProvided(entries, providers, doomed);
    for (const artifact of doomed) if (!replaced.includes(artifact)) replaced.push(artifact);
    entries = layerOnTop(entries, providers, layer);
  }
  return { entries, providers, replaced, droppedDevel };
}

function componentKey(artifact: ArtifactName): string {
  return `${artifact.name}-${artifact.kind}`;
}

/** The distinct provider file names of component NAME-KIND in a manifest. */
function artifactsOf(providers: ReadonlyMap<string, string>, name: string, kind: string): string[] {
  const found = new Set<string>();
  for (const provider of new Set(providers.values())) {
    let parsed: ArtifactName;
    try {
      parsed = parseArtifactName(provider);
    } catch (err) {
      // A provider that is not an artifact file name (a layer label) is no component.
      if (isHacktreeError(err, 'ARTIFACT_NAME_INVALID')) continue;
      throw err;
    }
    if (parsed.name === name && parsed.kind === kind) found.add(provider);
  }
  return [...found].sort();
}

/** Why master's -devel no longer fits the local -runtime, or null when it still does. */
function develMismatch(
  devel: string,
  local: ArtifactName,
  layer: ReplacementLayer,
  current: { entries: readonly FsEntry[]; providers: ReadonlyMap<string, string>; doomed: ReadonlySet<string> },
): string | null {
  const develVersion = parseArtifactName(devel).keys.v;
  if (develVersion !== local.keys.v) return `version ${develVersion ?? '(none)'} differs from the local -runtime's ${local.keys.v ?? '(none)'}`;
  const byPath = new Map(current.entries.map((e) => [e.path as string, e]));
  const localByPath = new Map(layer.entries.map((e) => [e.path as string, e]));
  const develPaths = [...current.providers].filter(([, p]) => p === devel).map(([path]) => path);
  for (const path of develPaths) {
    const mine = localByPath.get(path);
    if (mine && !sameEntry(mine, byPath.get(path)!)) return `${path} is also in the local -runtime, differently`;
  }
  // Paths the removal takes away and the local -runtime does not bring back.
  const gone = new Set<string>();
  for (const [path, provider] of current.providers) if (current.doomed.has(provider) && !localByPath.has(path)) gone.add(path);
  for (const path of develPaths) {
    const entry = byPath.get(path)!;
    if (entry.kind !== 'symlink') continue;
    const target = resolveLinkTarget(path as RepoPath, entry.target);
    if (target !== null && gone.has(target)) return `its symlink ${path} -> ${entry.target} would dangle`;
  }
  return null;
}

/** The repo path a symlink's target names, lexically (absolute targets from the root's top); null if it climbs out. */
export function resolveLinkTarget(link: RepoPath, target: string): string | null {
  const parts = target.startsWith('/') ? [] : link.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.length === 0 ? TOP : parts.join('/');
}

/** Where `path` is, or would go, in entries sorted by path. */
function lowerBound(entries: readonly FsEntry[], path: string): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (compareRepoPaths(entries[mid]!.path, path) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The range of sorted entries below directory `dir` (paths that start with "dir/" sort together). */
function descendantsOf(entries: readonly FsEntry[], dir: string): [number, number] {
  if (dir === TOP) return [Math.min(1, entries.length), entries.length];
  // "0" follows "/": every path that starts with "dir/" sorts before "dir0".
  return [lowerBound(entries, `${dir}/`), lowerBound(entries, `${dir}0`)];
}

/**
 * Drops the paths of `doomed` artifacts, then each directory that held something and now holds
 * nothing. Only directories above a dropped path can be emptied: each is looked at alone, in the
 * sorted entries, so the cost follows the component, not the root.
 */
function removeProvided(entries: readonly FsEntry[], providers: Map<string, string>, doomed: ReadonlySet<string>): FsEntry[] {
  if (doomed.size === 0) return [...entries];
  const above = new Set<string>();
  const kept = entries.filter((e) => {
    const provider = providers.get(e.path);
    if (provider === undefined || !doomed.has(provider)) return true;
    providers.delete(e.path);
    for (let p = parentOf(e.path); p !== TOP && !above.has(p); p = parentOf(p)) above.add(p);
    return false;
  });
  // A directory stays if something below it stays that is no directory, or a directory that was empty before.
  const wasEmpty = (dir: string) => {
    const [from, to] = descendantsOf(entries, dir);
    return from === to;
  };
  const emptied = new Set<string>();
  for (const dir of above) {
    const [from, to] = descendantsOf(kept, dir);
    let holdsSomething = false;
    for (let i = from; i < to && !holdsSomething; i++) holdsSomething = kept[i]!.kind !== 'dir' || wasEmpty(kept[i]!.path);
    if (!holdsSomething) emptied.add(dir);
  }
  // A directory below an emptied one is emptied too (whatever held it up would hold up both).
  return emptied.size === 0 ? kept : kept.filter((e) => !emptied.has(e.path));
}

/**
 * Layers a local artifact's entries over a tree (sorted, parents first); differing non-directory
 * paths are one TREE_CONFLICT. The tree's own entry objects stay where the layer adds nothing new:
 * only the layer's new entries are sorted and merged in.
 */
function layerOnTop(entries: readonly FsEntry[], providers: Map<string, string>, layer: ReplacementLayer): FsEntry[] {
  const conflicts: string[] = [];
  const added = new Map<string, FsEntry>();
  for (const entry of layer.entries) {
    const at = lowerBound(entries, entry.path);
    const existing = entries[at]?.path === entry.path ? entries[at] : added.get(entry.path);
    if (existing === undefined) {
      added.set(entry.path, entry);
      if (entry.kind !== 'dir') providers.set(entry.path, layer.fileName);
    } else if (existing.kind === 'dir' && entry.kind === 'dir') {
      // a shared directory keeps the root's owner and mode
    } else if (!sameEntry(existing, entry)) {
      conflicts.push(`${entry.path} (${providers.get(entry.path) ?? 'not from an artifact'})`);
    }
  }
  if (conflicts.length > 0) {
    const shown = conflicts.slice(0, 10).join(', ') + (conflicts.length > 10 ? ` and ${conflicts.length - 10} more` : '');
    throw new HacktreeError('TREE_CONFLICT', `local artifact ${layer.fileName} conflicts with other components at ${shown}`, {
      hint: 'a local artifact may only replace its own component; remove those paths from it, or install a local build of the other component too',
      data: { artifact: layer.fileName, paths: conflicts },
    });
  }
  const fresh = [...added.values()].sort((a, b) => compareRepoPaths(a.path, b.path));
  const merged: FsEntry[] = [];
  for (let i = 0, j = 0; i < entries.length || j < fresh.length; ) {
    if (j === fresh.length || (i < entries.length && compareRepoPaths(entries[i]!.path, fresh[j]!.path) < 0)) merged.push(entries[i++]!);
    else merged.push(fresh[j++]!);
  }
  // The tree's own entries have their parents: only the new ones are looked at.
  for (const e of fresh) {
    if (e.path === TOP) continue;
    const parent = parentOf(e.path);
    if (!added.has(parent) && entries[lowerBound(entries, parent)]?.path !== parent) {
      throw new HacktreeError('TREE_CONFLICT', `local artifact ${layer.fileName}: ${e.path} has no parent directory ${parentOf(e.path)}`, {
        hint: 'the artifact is not a complete tree; repack it with "hacktree artifact pack"',
        data: { artifact: layer.fileName, path: e.path },
      });
    }
  }
  return merged;
}
