import { HacktreeError } from '../../errors/HacktreeError.js';
import { sameEntry, type FsEntry } from './fsEntry.js';
import { compareRepoPaths, type RepoPath } from './repoPath.js';

export interface Layer {
  /** How the user named it: "dir=/srv/x", "artifact=foo-runtime,….tar.gz". */
  label: string;
  entries: readonly FsEntry[];
  /** Recorded in the manifest as the provider of this layer's paths (artifacts only). */
  provider?: string;
}

export interface LayerUnion {
  entries: FsEntry[];
  /** Path -> provider, for entries that came from a layer with a provider (directories aside). */
  providers: Map<RepoPath, string>;
}

/**
 * Stacks layers in order like `ostree commit --tree=…`. A path two layers provide with different
 * type, content or metadata is a conflict naming both, unless `union` (the later layer wins).
 */
export function unionLayers(layers: readonly Layer[], options: { union: boolean }): LayerUnion {
  const merged = new Map<RepoPath, { entry: FsEntry; layer: Layer }>();
  for (const layer of layers) {
    for (const entry of layer.entries) {
      const existing = merged.get(entry.path);
      if (existing && !sameEntry(existing.entry, entry)) {
        if (!options.union) throw conflict(entry.path, existing, { entry, layer });
        if (existing.entry.kind === 'dir' && entry.kind !== 'dir') {
          const prefix = `${entry.path}/`;
          for (const path of merged.keys()) if (path.startsWith(prefix)) merged.delete(path);
        }
      }
      if (!existing || options.union) merged.set(entry.path, { entry, layer });
    }
  }
  const sorted = [...merged.values()].sort((a, b) => compareRepoPaths(a.entry.path, b.entry.path));
  const providers = new Map<RepoPath, string>();
  for (const { entry, layer } of sorted) {
    if (entry.kind !== 'dir' && layer.provider !== undefined) providers.set(entry.path, layer.provider);
  }
  return { entries: sorted.map((m) => m.entry), providers };
}

function describe(entry: FsEntry): string {
  const mode = entry.mode.toString(8).padStart(4, '0');
  const what = entry.kind === 'file' ? `file ${entry.oid.slice(0, 12)}` : entry.kind === 'symlink' ? `symlink -> ${entry.target}` : entry.kind;
  return `${what} ${mode} ${entry.uid}:${entry.gid}`;
}

function conflict(path: RepoPath, a: { entry: FsEntry; layer: Layer }, b: { entry: FsEntry; layer: Layer }): HacktreeError {
  return new HacktreeError(
    'TREE_CONFLICT',
    `${path} is provided by ${a.layer.label} (${describe(a.entry)}) and by ${b.layer.label} (${describe(b.entry)})`,
    {
      hint: 'remove the path from one of them, or pass --union to let the later layer win',
      data: { path, layers: [a.layer.label, b.layer.label] },
    },
  );
}
