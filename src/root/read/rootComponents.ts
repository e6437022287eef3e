import { parseArtifactName, type ArtifactName } from '../../model/artifact/artifactName.js';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import { parseManifest } from '../../model/snapshot/manifest.js';
import { compareRepoPaths, type RepoPath } from '../../model/snapshot/repoPath.js';
import type { ComponentFactsLookup, ComponentKey, RootBase, RootComponent, RootComponents, RootPathProvider } from '../../model/root/rootComponent.js';
import { readSnapshot } from '../../store/snapshot/readSnapshot.js';
import { branchRef, readRef } from '../../store/refs/refs.js';
import type { Repository } from '../../store/repository/repository.js';
import { readRootSnapshot } from './readRootSnapshot.js';

export interface RootComponentsOptions {
  repoDir: string;
  name: string;
  /**
   * The workspace's facts about a master component (its recipe, its build record). The root
   * reads no recipes itself: the caller passes builder/recipes/componentRecipeFacts.ts's lookup.
   * Without it every component's recipe is null with a note saying so.
   */
  facts?: ComponentFactsLookup;
}

/**
 * The components of a root (its artifacts grouped by build), the bases it sits on and what
 * provided each path, from the root's manifest; with `facts`, each master component's recipe.
 */
export async function rootComponents(options: RootComponentsOptions): Promise<RootComponents> {
  const { repo, commit, ref, snapshot } = await readRootSnapshot(options.repoDir, options.name);
  const manifest = snapshot.manifest === undefined ? new Map<string, string>() : parseManifest(snapshot.manifest);
  const paths: RootPathProvider[] = [];
  const counts = new Map<string, number>();
  for (const entry of [...snapshot.entries].sort((a, b) => compareRepoPaths(a.path, b.path))) {
    if (entry.kind === 'dir') continue;
    const provider = manifest.get(entry.path) ?? null;
    if (provider !== null) counts.set(provider, (counts.get(provider) ?? 0) + 1);
    paths.push({ path: entry.path, kind: entry.kind, ...contentOf(entry), provider });
  }
  const groups = new Map<string, { key: ComponentKey; origin: 'master' | 'local'; artifacts: RootComponent['artifacts'] }>();
  const baseBranches: string[] = [];
  for (const [provider, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!provider.endsWith(',.tar.gz')) {
      baseBranches.push(provider);
      continue;
    }
    const artifact = parseArtifactName(provider);
    const id = componentId(artifact);
    const group = groups.get(id) ?? { key: keyOf(artifact), origin: artifact.keys.o === 'local' ? 'local' as const : 'master' as const, artifacts: [] };
    group.artifacts.push({ fileName: provider, kind: artifact.kind, paths: count });
    groups.set(id, group);
  }
  const components: RootComponent[] = [];
  for (const group of [...groups.values()].sort(compareGroups)) {
    group.artifacts.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'runtime' ? -1 : 1));
    const facts = group.origin === 'local'
      ? { recipe: null, buildId: group.key.shortBuildId, buildInputs: null, notes: ['a local build (o=local): not built from a workspace recipe'] }
      : options.facts
        ? await options.facts(group.key)
        : { recipe: null, buildId: group.key.shortBuildId, buildInputs: null, notes: ['no workspace was given to look its recipe up in'] };
    components.push({
      name: group.key.name,
      version: group.key.version,
      flavor: group.key.flavor,
      root: group.key.root,
      origin: group.origin,
      artifacts: group.artifacts,
      ...facts,
    });
  }
  const bases: RootBase[] = [];
  for (const branch of baseBranches) bases.push(await readBase(repo, branch, paths, counts.get(branch)!));
  return { commit, tree: snapshot.tree, ref, components, bases, paths };
}

function contentOf(entry: Exclude<FsEntry, { kind: 'dir' }>): Pick<RootPathProvider, 'oid' | 'size'> {
  if (entry.kind === 'file') return { oid: entry.oid, size: entry.size };
  if (entry.kind === 'symlink') return { oid: entry.oid, size: null };
  return { oid: null, size: null };
}

/** A build's -runtime and -devel differ only in their kind: every key names the build. */
function componentId(artifact: ArtifactName): string {
  return [artifact.name, ...Object.keys(artifact.keys).sort().map((key) => `${key}=${artifact.keys[key]}`)].join(',');
}

function keyOf(artifact: ArtifactName): ComponentKey {
  return {
    name: artifact.name,
    version: artifact.keys.v ?? null,
    flavor: artifact.keys.b ?? null,
    root: artifact.keys.r ?? null,
    shortBuildId: artifact.keys.id ?? null,
  };
}

function compareGroups(a: { key: ComponentKey; origin: string }, b: { key: ComponentKey; origin: string }): number {
  const left = `${a.key.name}\0${a.origin}\0${a.key.version ?? ''}\0${a.key.flavor ?? ''}\0${a.key.shortBuildId ?? ''}`;
  const right = `${b.key.name}\0${b.origin}\0${b.key.version ?? ''}\0${b.key.flavor ?? ''}\0${b.key.shortBuildId ?? ''}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * The manifest names the base branch, not the commit the root was composed over: the branch's
 * tip is taken, and checked against every path the root has from it.
 */
async function readBase(repo: Repository, branch: string, paths: readonly RootPathProvider[], count: number): Promise<RootBase> {
  const tip = await readRef(repo, branchRef(branch));
  if (tip === null) return { branch, commit: null, tree: null, matchesRoot: false, paths: count };
  const base = await readSnapshot(repo, tip);
  const content = new Map<RepoPath, string | null>();
  for (const entry of base.entries) if (entry.kind !== 'dir') content.set(entry.path, contentOf(entry).oid);
  const matchesRoot = paths.every((p) => p.provider !== branch || (content.has(p.path as RepoPath) && content.get(p.path as RepoPath) === p.oid));
  return { branch, commit: tip, tree: base.tree, matchesRoot, paths: count };
}
