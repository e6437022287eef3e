import { createHash } from 'node:crypto';
import type { ComponentSource, RootBase, RootComponent } from '../root/rootComponent.js';
import { formatSbomTime } from './sbomCreationTime.js';
import type { SbomInput } from './sbomInput.js';

/*
 * SPDX 2.3 (https://spdx.github.io/spdx-spec/v2.3/) as typed objects. No maintained JavaScript
 * library writes SPDX 2.3 documents, so these types follow the spec's JSON schema
 * (schemas/spdx-schema.json at tag v2.3), for the fields hacktree fills in.
 */

export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[]; comment?: string };
  documentDescribes: string[];
  packages: SpdxPackage[];
  files: SpdxFile[];
  relationships: SpdxRelationship[];
  hasExtractedLicensingInfos?: SpdxExtractedLicense[];
}

/** NOASSERTION: hacktree does not know; NONE: there is none. */
type Unknown = 'NOASSERTION' | 'NONE';

export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  packageFileName?: string;
  supplier?: Unknown;
  downloadLocation: string;
  filesAnalyzed: boolean;
  packageVerificationCode?: { packageVerificationCodeValue: string };
  checksums?: SpdxChecksum[];
  homepage?: string;
  sourceInfo?: string;
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: Unknown;
  summary?: string;
  comment?: string;
  primaryPackagePurpose?: 'OPERATING_SYSTEM' | 'SOURCE' | 'LIBRARY' | 'APPLICATION' | 'OTHER';
}

export interface SpdxFile {
  SPDXID: string;
  fileName: string;
  checksums: SpdxChecksum[];
  licenseConcluded: Unknown;
  copyrightText: Unknown;
  comment?: string;
}

export interface SpdxChecksum {
  algorithm: 'SHA1' | 'SHA256';
  checksumValue: string;
}

export type SpdxRelationshipType = 'DESCRIBES' | 'CONTAINS' | 'DEPENDS_ON' | 'GENERATED_FROM' | 'PATCH_APPLIED';

export interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: SpdxRelationshipType;
  relatedSpdxElement: string;
  comment?: string;
}

export interface SpdxExtractedLicense {
  licenseId: string;
  extractedText: string;
  name?: string;
}

const NOASSERTION = 'NOASSERTION';
const ROOT_ID = 'SPDXRef-Root';

/** The SPDX 2.3 document of a root: same input, same document (the creation time is an input). */
export function spdxDocument(input: SbomInput): SpdxDocument {
  const { root } = input;
  const packages: SpdxPackage[] = [];
  const files: SpdxFile[] = [];
  const relationships: SpdxRelationship[] = [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: ROOT_ID }];
  const providerIds = new Map<string, string>();
  const rootFiles = root.paths.filter((p) => p.kind === 'file');
  // Files by what provided them ('' for none), in path order.
  const filesOf = new Map<string, SpdxFile[]>();
  rootFiles.forEach((p, i) => {
    const digests = input.fileDigests.get(p.oid!)!;
    const id = `SPDXRef-File-${i + 1}`;
    const file: SpdxFile = {
      SPDXID: id,
      fileName: `./${p.path}`,
      checksums: [{ algorithm: 'SHA1', checksumValue: digests.sha1 }, { algorithm: 'SHA256', checksumValue: digests.sha256 }],
      licenseConcluded: NOASSERTION,
      copyrightText: NOASSERTION,
      ...(p.provider === null ? {} : { comment: `provided by ${p.provider}` }),
    };
    files.push(file);
    const key = p.provider ?? '';
    filesOf.set(key, [...(filesOf.get(key) ?? []), file]);
  });

  packages.push({
    SPDXID: ROOT_ID,
    name: input.rootName,
    versionInfo: root.commit,
    supplier: NOASSERTION,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    copyrightText: NOASSERTION,
    comment: `hacktree root ${input.rootName}${root.ref === null ? '' : ` (${root.ref})`}: commit ${root.commit}, tree ${root.tree}`,
    primaryPackagePurpose: 'OPERATING_SYSTEM',
  });
  root.bases.forEach((base, i) => {
    const id = `SPDXRef-Base-${i + 1}`;
    providerIds.set(base.branch, id);
    packages.push(basePackage(base, id, verificationCode(filesOf.get(base.branch) ?? [])));
    relationships.push({ spdxElementId: ROOT_ID, relationshipType: 'CONTAINS', relatedSpdxElement: id });
  });
  const componentIds = root.components.map((c, i) => `SPDXRef-Package-${i + 1}-${idPart(c.name)}`);
  root.components.forEach((component, i) => {
    const id = componentIds[i]!;
    for (const artifact of component.artifacts) providerIds.set(artifact.fileName, id);
    const code = verificationCode(component.artifacts.flatMap((a) => filesOf.get(a.fileName) ?? []));
    packages.push(componentPackage(component, id, code));
    relationships.push({ spdxElementId: ROOT_ID, relationshipType: 'CONTAINS', relatedSpdxElement: id });
  });
  root.components.forEach((component, i) => {
    const id = componentIds[i]!;
    for (const [kind, names] of [['DEPENDS', component.recipe?.depends ?? []], ['RDEPENDS', component.recipe?.rdepends ?? []]] as const) {
      for (const name of names) {
        root.components.forEach((other, j) => {
          if (other.name !== name || j === i) return;
          relationships.push({ spdxElementId: id, relationshipType: 'DEPENDS_ON', relatedSpdxElement: componentIds[j]!, comment: `${kind} of the recipe ${component.name}` });
        });
      }
    }
    component.recipe?.sources.forEach((source, s) => {
      const sourceId = `SPDXRef-Source-${i + 1}-${s + 1}`;
      packages.push(sourcePackage(source, sourceId));
      relationships.push({ spdxElementId: id, relationshipType: 'GENERATED_FROM', relatedSpdxElement: sourceId });
      if (source.patch) relationships.push({ spdxElementId: sourceId, relationshipType: 'PATCH_APPLIED', relatedSpdxElement: id, comment: `applied to the sources of ${component.name} before its build` });
    });
  });
  for (const [provider, provided] of filesOf) {
    const container = providerIds.get(provider) ?? ROOT_ID;
    for (const file of provided) relationships.push({ spdxElementId: container, relationshipType: 'CONTAINS', relatedSpdxElement: file.SPDXID });
  }
  const extracted = extractedLicenses(root.components);
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `hacktree root ${input.rootName}`,
    documentNamespace: `https://spdx.org/spdxdocs/hacktree-root-${root.commit}`,
    creationInfo: {
      created: formatSbomTime(input.created),
      creators: [`Tool: hacktree-${input.toolVersion}`],
      comment: 'Regular files only: directories, symlinks and devices carry no content to checksum.',
    },
    documentDescribes: [ROOT_ID],
    packages,
    files,
    relationships,
    ...(extracted.length === 0 ? {} : { hasExtractedLicensingInfos: extracted }),
  };
}

function basePackage(base: RootBase, id: string, code: string | null): SpdxPackage {
  const state = base.commit === null
    ? 'the branch no longer exists'
    : `commit ${base.commit}, tree ${base.tree}${base.matchesRoot ? '' : ' (the branch has moved since the root was composed: its files differ)'}`;
  return {
    SPDXID: id,
    name: base.branch,
    ...(base.commit === null ? {} : { versionInfo: base.commit }),
    supplier: NOASSERTION,
    downloadLocation: NOASSERTION,
    ...analyzed(code),
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    copyrightText: NOASSERTION,
    comment: `the base toolchain root the root is composed over: branch ${base.branch}, ${state}; ${base.paths} paths of the root are from it`,
    primaryPackagePurpose: 'OPERATING_SYSTEM',
  };
}

function componentPackage(component: RootComponent, id: string, code: string | null): SpdxPackage {
  const recipe = component.recipe;
  const download = recipe?.sources.find((s) => !s.patch && !s.url.startsWith('file://'));
  const facts = [
    `${component.origin} build`,
    ...(component.buildId === null ? [] : [`build id ${component.buildId}`]),
    ...(component.flavor === null ? [] : [`flavor ${component.flavor}`]),
    ...(component.root === null ? [] : [`built for root ${component.root}`]),
    `artifacts ${component.artifacts.map((a) => a.fileName).join(' ')}`,
    ...component.notes,
  ];
  return {
    SPDXID: id,
    name: component.name,
    ...(component.version === null ? {} : { versionInfo: component.version }),
    supplier: NOASSERTION,
    downloadLocation: download?.url ?? NOASSERTION,
    ...analyzed(code),
    ...(recipe?.homepage ? { homepage: recipe.homepage } : {}),
    licenseConcluded: NOASSERTION,
    licenseDeclared: recipe?.license.expression ?? NOASSERTION,
    copyrightText: NOASSERTION,
    ...(recipe?.summary ? { summary: recipe.summary } : {}),
    comment: facts.join('; '),
  };
}

function sourcePackage(source: ComponentSource, id: string): SpdxPackage {
  const local = source.url.startsWith('file://');
  return {
    SPDXID: id,
    name: source.fileName,
    packageFileName: source.fileName,
    supplier: NOASSERTION,
    downloadLocation: local ? NOASSERTION : source.url,
    filesAnalyzed: false,
    ...(source.sha256 === null ? {} : { checksums: [{ algorithm: 'SHA256' as const, checksumValue: source.sha256 }] }),
    ...(local ? { sourceInfo: `${source.url}: a file beside the recipe in the workspace${source.localPath === null ? ' (missing from the workspace now)' : ''}` } : {}),
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    copyrightText: NOASSERTION,
    ...(source.patch ? { comment: 'a patch' } : {}),
    primaryPackagePurpose: 'SOURCE',
  };
}

/** A package whose files are listed carries their verification code; one without files says it analysed none. */
function analyzed(code: string | null): Pick<SpdxPackage, 'filesAnalyzed' | 'packageVerificationCode'> {
  return code === null ? { filesAnalyzed: false } : { filesAnalyzed: true, packageVerificationCode: { packageVerificationCodeValue: code } };
}

/** SPDX 2.3 §7.9: SHA-1 over the files' SHA-1s, sorted, concatenated. */
function verificationCode(files: readonly SpdxFile[]): string | null {
  if (files.length === 0) return null;
  const sums = files.map((f) => f.checksums.find((c) => c.algorithm === 'SHA1')!.checksumValue).sort();
  return createHash('sha1').update(sums.join('')).digest('hex');
}

/** SPDX ids are letters, digits, '.' and '-'. */
function idPart(name: string): string {
  return name.replace(/[^A-Za-z0-9.-]/g, '-');
}

/** Each LicenseRef-… an expression names must be defined in the document. */
function extractedLicenses(components: readonly RootComponent[]): SpdxExtractedLicense[] {
  const refs = new Set<string>();
  for (const c of components) for (const id of c.recipe?.license.ids ?? []) if (id.startsWith('LicenseRef-')) refs.add(id);
  return [...refs].sort().map((licenseId) => ({
    licenseId,
    name: licenseId.slice('LicenseRef-'.length),
    extractedText: licenseId === 'LicenseRef-CLOSED'
      ? 'A proprietary license (OpenEmbedded\'s CLOSED): the recipe names no license text.'
      : `A license the recipe names as ${licenseId}; its text is not in this document.`,
  }));
}
