import type { RootComponents } from '../root/rootComponent.js';

/** What an SBOM of a root is written from (SPDX or CycloneDX alike). */
export interface SbomInput {
  /** The root name as the user gave it. */
  rootName: string;
  root: RootComponents;
  /** Content digests of the root's regular files, by git blob id. */
  fileDigests: ReadonlyMap<string, FileDigests>;
  /** The document's creation time (SOURCE_DATE_EPOCH or now). */
  created: Date;
  /** The producing tool's version, e.g. 0.1.0. */
  toolVersion: string;
}

/** SHA-1 and SHA-256 of a file's bytes (not git's blob id, which hashes a header too). */
export interface FileDigests {
  sha1: string;
  sha256: string;
}
