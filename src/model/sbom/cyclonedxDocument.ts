import { ComponentType, ExternalReferenceType, HashAlgorithm } from '@cyclonedx/cyclonedx-library/Enums';
import { Bom, Component, ExternalReference, HashDictionary, LicenseExpression, Metadata, Property, PropertyRepository } from '@cyclonedx/cyclonedx-library/Models';
import { JsonSerializer, JSON as CdxJson } from '@cyclonedx/cyclonedx-library/Serialize';
import { Spec1dot5 } from '@cyclonedx/cyclonedx-library/Spec';
import type { RootBase, RootComponent } from '../root/rootComponent.js';
import { derivedUuid } from './derivedUuid.js';
import type { SbomInput } from './sbomInput.js';

/**
 * The CycloneDX 1.5 JSON document of a root, made with the CycloneDX project's own library:
 * the root is the metadata component; its components and bases are components, each holding
 * the files it provided; sources are distribution references (comment "source" or "patch")
 * with their sha256.
 * Deterministic: bom-refs are numbered in a fixed order, lists are sorted, the serial number
 * is derived from the commit and the time is an input.
 */
export function cyclonedxDocument(input: SbomInput): string {
  const { root } = input;
  const rootComponent = new Component(ComponentType.OperatingSystem, input.rootName, {
    bomRef: 'root',
    version: root.commit,
    properties: properties([['hacktree:commit', root.commit], ['hacktree:tree', root.tree], ...(root.ref === null ? [] : [['hacktree:ref', root.ref]] as Array<[string, string]>)]),
  });
  const bom = new Bom({
    serialNumber: `urn:uuid:${derivedUuid(`https://hacktree/sbom/cyclonedx/${root.commit}`)}`,
    metadata: new Metadata({ timestamp: input.created, component: rootComponent }),
  });
  bom.metadata.tools.components.add(new Component(ComponentType.Application, 'hacktree', { bomRef: 'tool-hacktree', version: input.toolVersion }));

  const byProvider = new Map<string, Component>();
  root.bases.forEach((base, i) => {
    const component = baseComponent(base, `base-${i + 1}`);
    byProvider.set(base.branch, component);
    bom.components.add(component);
    rootComponent.dependencies.add(component.bomRef);
  });
  const components = root.components.map((c, i) => componentOf(c, `component-${i + 1}-${c.name}`));
  root.components.forEach((c, i) => {
    const component = components[i]!;
    for (const artifact of c.artifacts) byProvider.set(artifact.fileName, component);
    for (const name of new Set([...(c.recipe?.depends ?? []), ...(c.recipe?.rdepends ?? [])])) {
      root.components.forEach((other, j) => {
        if (other.name === name && j !== i) component.dependencies.add(components[j]!.bomRef);
      });
    }
    bom.components.add(component);
    rootComponent.dependencies.add(component.bomRef);
  });
  root.paths.filter((p) => p.kind === 'file').forEach((p, i) => {
    const digests = input.fileDigests.get(p.oid!)!;
    const file = new Component(ComponentType.File, `./${p.path}`, {
      bomRef: `file-${i + 1}`,
      hashes: new HashDictionary([[HashAlgorithm['SHA-1'], digests.sha1], [HashAlgorithm['SHA-256'], digests.sha256]]),
    });
    const provider = p.provider === null ? undefined : byProvider.get(p.provider);
    if (provider) provider.components.add(file);
    else bom.components.add(file);
  });
  const serializer = new JsonSerializer(new CdxJson.Normalize.Factory(Spec1dot5));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}

function baseComponent(base: RootBase, bomRef: string): Component {
  return new Component(ComponentType.OperatingSystem, base.branch, {
    bomRef,
    ...(base.commit === null ? {} : { version: base.commit }),
    description: 'the base toolchain root the root is composed over',
    properties: properties([
      ['hacktree:base-branch', base.branch],
      ...(base.commit === null ? [['hacktree:note', 'the base branch no longer exists']] as Array<[string, string]> : [['hacktree:commit', base.commit], ['hacktree:tree', base.tree!]] as Array<[string, string]>),
      ...(base.matchesRoot || base.commit === null ? [] : [['hacktree:note', 'the base branch has moved since the root was composed: its files differ']] as Array<[string, string]>),
    ]),
  });
}

function componentOf(c: RootComponent, bomRef: string): Component {
  const recipe = c.recipe;
  const component = new Component(ComponentType.Library, c.name, {
    bomRef,
    ...(c.version === null ? {} : { version: c.version }),
    ...(recipe?.summary ? { description: recipe.summary } : {}),
    properties: properties([
      ['hacktree:origin', c.origin],
      ...(c.buildId === null ? [] : [['hacktree:build-id', c.buildId]] as Array<[string, string]>),
      ...(c.flavor === null ? [] : [['hacktree:flavor', c.flavor]] as Array<[string, string]>),
      ...(c.root === null ? [] : [['hacktree:built-for-root', c.root]] as Array<[string, string]>),
      ...c.artifacts.map((a) => ['hacktree:artifact', a.fileName] as [string, string]),
      ...c.notes.map((note) => ['hacktree:note', note] as [string, string]),
    ]),
  });
  if (recipe) {
    component.licenses.add(new LicenseExpression(recipe.license.expression));
    if (recipe.homepage) component.externalReferences.add(new ExternalReference(recipe.homepage, ExternalReferenceType.Website));
    for (const source of recipe.sources) {
      // CycloneDX 1.5 has no source-distribution reference type (1.6 added it): a source is a
      // distribution reference whose comment says what it is.
      const what = [source.patch ? 'patch' : 'source', ...(source.url.startsWith('file://') ? ['a file beside the recipe in the workspace'] : [])];
      component.externalReferences.add(new ExternalReference(source.url, ExternalReferenceType.Distribution, {
        ...(source.sha256 === null ? {} : { hashes: new HashDictionary([[HashAlgorithm['SHA-256'], source.sha256]]) }),
        comment: what.join(': '),
      }));
    }
  }
  return component;
}

function properties(pairs: Array<[string, string]>): PropertyRepository {
  return new PropertyRepository(pairs.map(([name, value]) => new Property(name, value)));
}
