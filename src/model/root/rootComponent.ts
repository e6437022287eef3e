import type { BuildInput } from '../artifact/buildInputs.js';
import type { Oid } from '../git/oid.js';
import type { Recipe } from '../recipe/recipe.js';
import type { RecipeLicense } from '../recipe/recipeLicense.js';
import type { EntryKind } from '../snapshot/fsEntry.js';

/**
 * What a root is made of, read from its manifest and matched with the workspace's recipes:
 * what an SBOM, a license report or a source bundle is written from.
 */
export interface RootComponents {
  /** The root's commit and top tree. */
  commit: Oid;
  tree: Oid;
  /** The ref NAME resolved through, null for a bare commit id. */
  ref: string | null;
  components: RootComponent[];
  bases: RootBase[];
  /** Every non-directory entry of the root, sorted by path, with what provided it. */
  paths: RootPathProvider[];
}

/** One build of one recipe in the root: its -runtime and -devel artifacts together. */
export interface RootComponent {
  /** The recipe name (PN): the artifact name before -runtime/-devel. */
  name: string;
  /** v=, or null when the artifact names none. */
  version: string | null;
  /** b= (opt|debug), or null. */
  flavor: string | null;
  /** r=: the root the artifacts were compiled against, or null. */
  root: string | null;
  origin: 'master' | 'local';
  /** The artifacts' file names (runtime first), each with how many of the root's paths it provided. */
  artifacts: Array<{ fileName: string; kind: 'runtime' | 'devel'; paths: number }>;
  /** The build id: the build record's full one when it matches the artifacts' id=, else id= itself, else null. */
  buildId: string | null;
  /** What the build used, from the build record (artifacts/.builds/), when it is the build that made these artifacts. */
  buildInputs: BuildInput[] | null;
  /** The recipe the component was built from, or null when it is not known (see `note`). */
  recipe: ComponentRecipe | null;
  /** Why something is unknown: no workspace given, no recipe of that name or version, a local build. */
  notes: string[];
}

/** The facts of a component's recipe that an SBOM or a license report needs. */
export interface ComponentRecipe {
  /** The .bb file (absolute). */
  file: string;
  recipe: Recipe;
  license: RecipeLicense;
  summary: string;
  homepage: string;
  /** Every SRC_URI entry, in the recipe's order; patches are the ones with `patch: true`. */
  sources: ComponentSource[];
  /** DEPENDS (build) and RDEPENDS (run time) by recipe name. */
  depends: string[];
  rdepends: string[];
}

export interface ComponentSource {
  /** The URL without its ;parameters (https://…, or file://NAME for a file beside the recipe). */
  url: string;
  /** The file name it is fetched or copied as. */
  fileName: string;
  /** sha256 hex: the declared SRC_URI[sha256sum] of a remote source, the file's own of a local one; null when unknown. */
  sha256: string | null;
  /** For file://: the file beside the recipe, or null when it is missing. */
  localPath: string | null;
  patch: boolean;
}

/** A base toolchain root the root is composed over (its manifest names the branch). */
export interface RootBase {
  branch: string;
  /** The branch's commit and tree now, or null when the branch no longer exists. */
  commit: Oid | null;
  tree: Oid | null;
  /** Whether every path the manifest gives the base has the same content in that commit (false: the branch moved since). */
  matchesRoot: boolean;
  paths: number;
}

export interface RootPathProvider {
  path: string;
  kind: Exclude<EntryKind, 'dir'>;
  /** The git blob id of a file's content or a symlink's target. */
  oid: Oid | null;
  /** Bytes, for a regular file. */
  size: number | null;
  /** The artifact file name or base branch that provided it, null when the root has no manifest entry for it. */
  provider: string | null;
}

/** What a component is matched to recipes by. */
export interface ComponentKey {
  name: string;
  version: string | null;
  flavor: string | null;
  root: string | null;
  /** id= of the artifacts. */
  shortBuildId: string | null;
}

/** What the workspace knows about one component (see builder/recipes/componentRecipeFacts.ts). */
export interface ComponentFacts {
  recipe: ComponentRecipe | null;
  buildId: string | null;
  buildInputs: BuildInput[] | null;
  notes: string[];
}

/** Looks a master component up in a workspace; rootComponents calls it once per component. */
export type ComponentFactsLookup = (component: ComponentKey) => Promise<ComponentFacts>;
