import { join, resolve } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { serializeManifest } from '../../model/snapshot/manifest.js';
import { parseRootName, rootBranch } from '../../model/root/rootName.js';
import { TOP, type RepoPath } from '../../model/snapshot/repoPath.js';
import { unionLayers, type Layer, type LayerUnion } from '../../model/snapshot/unionLayers.js';
import { commitSnapshot, type CommittedSnapshot } from '../../store/snapshot/commitSnapshot.js';
import { openArtifactIndex } from '../../store/artifacts/artifactIndex.js';
import { importArtifact } from '../../store/artifacts/importArtifact.js';
import { readSnapshot } from '../../store/snapshot/readSnapshot.js';
import { branchRef, readRef } from '../../store/refs/refs.js';
import { withRepoWrite } from '../../store/repository/withRepoWrite.js';
import { openRepository, type Repository } from '../../store/repository/repository.js';
import type { ProgressCallback } from '../../store/blobs/storeFilesInParallel.js';
import { loadRootDefinition } from '../../store/definitions/loadRootDefinition.js';
import { baseBranch } from '../../model/root/baseDefinition.js';
import { baseOfKind } from '../../model/root/rootDefinition.js';
import type { RecipeSet } from '../../model/recipe/recipeSet.js';
import { checkRefusedLicenses } from './checkRefusedLicenses.js';
import { selectArtifacts } from './selectArtifacts.js';
import { canonicalArch } from '../../model/root/arch.js';

export interface ComposeRootOptions {
  repoDir: string;
  /** VERSION-KIND-FLAVOR-ARCH */
  name: string;
  rootsDir: string;
  artifactsDir: string;
  message?: string;
  /** An SSH private key file: the commit is signed with it (git's gpgsig header). */
  signKey?: string;
  onProgress?: ProgressCallback;
  /** The recipes that built the artifacts: read only when the definition refuses licenses. */
  loadRecipes?: () => Promise<RecipeSet>;
}

/**
 * `hacktree root compose NAME`: the union of the newest matching artifacts' trees, committed on
 * root-NAME with a manifest of which artifact provided which path; a component whose license the
 * definition refuses stops it before anything is written. Artifacts are imported once;
 * composing reads only trees and meta records, never file content.
 */
export async function composeRoot(options: ComposeRootOptions): Promise<CommittedSnapshot & { root: string; artifacts: string[]; entries: number }> {
  const root = parseRootName(options.name);
  const def = loadRootDefinition(resolve(options.rootsDir), root.version);
  if (!(def.arches as readonly string[]).includes(root.arch)) {
    const canonical = canonicalArch(root.arch);
    throw new HacktreeError('ROOT_NAME_INVALID', `root ${options.name}: version ${root.version} is defined for ${def.arches.join(', ')}, not ${root.arch}`, {
      hint: canonical !== undefined && canonical !== root.arch
        ? `root names carry ${canonical}, not ${root.arch}: ${options.name.slice(0, -root.arch.length)}${canonical}`
        : `add "${root.arch}" to "arches" in the root definition, or pick one of those`,
      data: { root: options.name, arch: root.arch },
    });
  }
  const selected = selectArtifacts(resolve(options.artifactsDir), def, root);
  await checkRefusedLicenses({
    root: options.name,
    definition: join(resolve(options.rootsDir), `${root.version}.json`),
    refuse: def.refuse ?? [],
    components: selected.map((artifact) => ({ component: artifact.component, version: artifact.version })),
    loadRecipes: options.loadRecipes,
  });
  const repo = openRepository(options.repoDir);
  return withRepoWrite(repo, async (refs) => {
    const layers: Layer[] = [];
    const index = openArtifactIndex(repo);
    try {
      for (const [i, artifact] of selected.entries()) {
        options.onProgress?.('composing', i, selected.length);
        const imported = await importArtifact(repo, artifact.path, { index, refs });
        const { entries } = await readSnapshot(repo, imported.commit);
        layers.push({ label: `artifact ${artifact.fileName}`, entries, provider: artifact.fileName });
      }
    } finally {
      index.save();
    }
    const { entries, providers } = await withBase(repo, baseBranchOf(baseOfKind(def, root.kind), root.arch), unionLayers(layers, { union: false }));
    const names = selected.map((a) => a.fileName);
    const committed = await commitSnapshot(repo, {
      branch: rootBranch(options.name),
      entries,
      extras: { manifest: serializeManifest(providers) },
      message: options.message ?? `Compose ${options.name}\n\n${names.map((n) => `artifact: ${n}`).join('\n')}\n`,
      refs,
      signKey: options.signKey,
      // A re-run over the same artifacts is not a new version of the root (rpm-ostree's compose
      // skips it too); a signature asked for is a new commit all the same.
      unlessSameTree: options.signKey === undefined,
    });
    options.onProgress?.('composing', selected.length, selected.length);
    return { ...committed, root: options.name, artifacts: names, entries: entries.length };
  });
}

function baseBranchOf(base: string | undefined, arch: string): string | undefined {
  return base === undefined ? undefined : baseBranch(base, arch);
}

/**
 * A root whose definition names a base for its kind has the base toolchain root (branch base/BASE-ARCH) under
 * its artifacts: the artifacts replace what the base has at the same paths (they are what the
 * recipes built to be in the root), and the manifest attributes the rest to the base branch.
 */
async function withBase(repo: Repository, baseBranch: string | undefined, artifacts: LayerUnion): Promise<LayerUnion> {
  if (baseBranch === undefined) return artifacts;
  const tip = await readRef(repo, branchRef(baseBranch));
  if (tip === null) {
    throw new HacktreeError('BASE_ROOT_MISSING', `the base root ${baseBranch} does not exist`, {
      hint: 'make the bases the root definitions name with "hacktree bootstrap" in the workspace',
      data: { base: baseBranch },
    });
  }
  const base = await readSnapshot(repo, tip);
  const union = unionLayers([{ label: baseBranch, entries: base.entries }, { label: 'artifacts', entries: artifacts.entries }], { union: true });
  // A root is published for every user to run from: its `/` is readable and searchable by all,
  // whatever the base recorded (debootstrap's target is a 0700 temporary directory, and a base
  // made there keeps that mode, which left a deployed root to root alone).
  const entries = union.entries.map((entry) => (entry.path === TOP && entry.kind === 'dir' && (entry.mode & 0o055) !== 0o055 ? { ...entry, mode: entry.mode | 0o055 } : entry));
  const providers = new Map<RepoPath, string>();
  for (const entry of entries) {
    if (entry.kind !== 'dir') providers.set(entry.path, artifacts.providers.get(entry.path) ?? baseBranch);
  }
  return { entries, providers };
}
