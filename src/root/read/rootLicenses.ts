import { posix } from 'node:path';
import { parseLicenseChecksums } from '../../model/recipe/licenseChecksum.js';
import type { ComponentFactsLookup, RootComponent, RootPathProvider } from '../../model/root/rootComponent.js';
import { rootComponents } from './rootComponents.js';

export interface ComponentLicense {
  name: string;
  version: string | null;
  origin: 'master' | 'local';
  /** The recipe's LICENSE as an SPDX expression; null when the component's recipe is not known (see notes). */
  license: string | null;
  /** The SPDX ids the expression names. */
  licenseIds: string[];
  /** The recipe's LIC_FILES_CHKSUM entries, and where the component installed a file of that name in the root. */
  licenseFiles: LicenseFile[];
  notes: string[];
}

export interface LicenseFile {
  /** Relative to the unpacked source (S). */
  path: string;
  md5: string;
  beginLine: number | null;
  endLine: number | null;
  /** Paths of the root, provided by this component, with the same file name (e.g. /usr/share/doc/NAME/COPYING). */
  inRoot: string[];
}

export interface RootLicenses {
  root: string;
  commit: string;
  components: ComponentLicense[];
  /** Base roots under the root: hacktree did not build them, so their licenses are their distribution's. */
  bases: Array<{ branch: string; paths: number }>;
}

/** `hacktree root licenses NAME`: each component of a root with its license and license files. */
export async function rootLicenses(options: { repoDir: string; name: string; facts: ComponentFactsLookup }): Promise<RootLicenses> {
  const root = await rootComponents(options);
  return {
    root: options.name,
    commit: root.commit,
    components: root.components.map((component) => componentLicense(component, root.paths)),
    bases: root.bases.map((base) => ({ branch: base.branch, paths: base.paths })),
  };
}

function componentLicense(component: RootComponent, paths: readonly RootPathProvider[]): ComponentLicense {
  const base = { name: component.name, version: component.version, origin: component.origin, notes: component.notes };
  if (component.recipe === null) return { ...base, license: null, licenseIds: [], licenseFiles: [] };
  const provided = new Set(component.artifacts.map((artifact) => artifact.fileName));
  const installed = paths.filter((p) => p.provider !== null && provided.has(p.provider));
  const licenseFiles = parseLicenseChecksums(component.recipe.recipe).map((entry) => ({
    path: entry.path,
    md5: entry.md5,
    beginLine: entry.beginLine ?? null,
    endLine: entry.endLine ?? null,
    inRoot: installed.filter((p) => posix.basename(p.path) === posix.basename(entry.path)).map((p) => `/${p.path}`),
  }));
  return { ...base, license: component.recipe.license.expression, licenseIds: component.recipe.license.ids, licenseFiles };
}
