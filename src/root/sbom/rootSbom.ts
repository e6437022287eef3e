import type { Oid } from '../../model/git/oid.js';
import type { ComponentFactsLookup, RootComponents } from '../../model/root/rootComponent.js';
import { cyclonedxDocument } from '../../model/sbom/cyclonedxDocument.js';
import { spdxDocument } from '../../model/sbom/spdxDocument.js';
import { openRepository } from '../../store/repository/repository.js';
import { rootComponents } from '../read/rootComponents.js';
import { readFileDigests } from './readFileDigests.js';

export type SbomFormat = 'spdx' | 'cyclonedx';

export const SBOM_FORMATS: readonly SbomFormat[] = ['spdx', 'cyclonedx'];

export interface RootSbomOptions {
  repoDir: string;
  name: string;
  format: SbomFormat;
  /** The workspace's recipe facts (builder/recipes/componentRecipeFacts.ts); without it every recipe is NOASSERTION. */
  facts?: ComponentFactsLookup;
  /** The document's creation time: SOURCE_DATE_EPOCH or now (model/sbom/sbomCreationTime.ts). */
  created: Date;
  toolVersion: string;
}

export interface RootSbom {
  /** The document, JSON text ending in a newline. */
  document: string;
  /** What it was written from, for the caller's notes (components whose recipe is unknown). */
  root: RootComponents;
}

/** `hacktree root sbom NAME`: an SPDX 2.3 or CycloneDX 1.5 JSON document of what a root ships. */
export async function rootSbom(options: RootSbomOptions): Promise<RootSbom> {
  const root = await rootComponents({ repoDir: options.repoDir, name: options.name, facts: options.facts });
  const files = root.paths.filter((p) => p.kind === 'file').map((p) => p.oid as Oid);
  const fileDigests = await readFileDigests(openRepository(options.repoDir), files);
  const input = { rootName: options.name, root, fileDigests, created: options.created, toolVersion: options.toolVersion };
  const document = options.format === 'spdx' ? `${JSON.stringify(spdxDocument(input), null, 2)}\n` : cyclonedxDocument(input);
  return { document, root };
}
