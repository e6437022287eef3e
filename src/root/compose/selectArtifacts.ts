import { statSync } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { parseArtifactName, type ArtifactKind, type ArtifactName } from '../../model/artifact/artifactName.js';
import { compareVersions } from '../../model/recipe/compareVersions.js';
import { artifactsOfRoot, type RootDefinition } from '../../model/root/rootDefinition.js';
import { buildRootOf, formatRootName, type RootName } from '../../model/root/rootName.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import { artifactArch } from '../../model/root/arch.js';

export interface SelectedArtifact {
  component: string;
  kind: ArtifactKind;
  path: string;
  fileName: string;
  version: string;
}

/**
 * For each artifact a root needs, the newest master artifact in `artifactsDir` built for it
 * (r = VERSION-FLAVOR-ARCH, b = FLAVOR); newest by version as dpkg orders them, then by file
 * modification time. Missing artifacts are one error naming all. An artifact for this root whose
 * `a=` (x86_64 when it has none: names from before arches) is another arch is refused, not
 * skipped: a root never mixes architectures, and a name that says two is a mistake to show.
 */
export function selectArtifacts(artifactsDir: string, def: RootDefinition, root: RootName): SelectedArtifact[] {
  const names = listDirectory(artifactsDir);
  const wantedRoot = buildRootOf(root);
  const needed = new Set(artifactsOfRoot(def, root.kind).map(({ component, kind }) => `${component}\0${kind}`));
  const candidates = new Map<string, Array<{ parsed: ArtifactName; fileName: string }>>();
  for (const fileName of names) {
    if (!fileName.endsWith(',.tar.gz')) continue;
    const parsed = parseArtifactName(fileName);
    const k = parsed.keys;
    if ((k.o ?? 'master') !== 'master' || k.r !== wantedRoot || k.b !== root.flavor) continue;
    const key = `${parsed.name}\0${parsed.kind}`;
    if (!needed.has(key)) continue;
    if (artifactArch(k) !== root.arch) throw mixedArch(fileName, artifactArch(k), root);
    candidates.set(key, [...(candidates.get(key) ?? []), { parsed, fileName }]);
  }
  const selected: SelectedArtifact[] = [];
  const missing: string[] = [];
  for (const { component, kind } of artifactsOfRoot(def, root.kind)) {
    const list = candidates.get(`${component}\0${kind}`);
    if (!list) {
      missing.push(`${component}-${kind}`);
      continue;
    }
    const newest = list.reduce((best, c) => {
      const byVersion = compareVersions(c.parsed.keys.v ?? '', best.parsed.keys.v ?? '');
      if (byVersion !== 0) return byVersion > 0 ? c : best;
      return statSync(join(artifactsDir, c.fileName)).mtimeMs > statSync(join(artifactsDir, best.fileName)).mtimeMs ? c : best;
    });
    selected.push({ component, kind, path: join(artifactsDir, newest.fileName), fileName: newest.fileName, version: newest.parsed.keys.v ?? '' });
  }
  if (missing.length > 0) {
    throw new HacktreeError('ARTIFACT_NOT_FOUND', `no artifact in ${artifactsDir} built for ${wantedRoot} (b=${root.flavor}) for: ${missing.join(', ')}`, {
      hint: 'build them ("hacktree build") or pack them ("hacktree artifact pack … --root ' + wantedRoot + ' --flavor ' + root.flavor + '") into the artifacts directory',
      data: { missing, root: wantedRoot },
    });
  }
  return selected;
}

function mixedArch(fileName: string, arch: string, root: RootName): HacktreeError {
  return new HacktreeError('ARTIFACT_ROOT_MISMATCH', `artifact ${fileName} is built for ${buildRootOf(root)} but carries a=${arch}${fileName.includes(',a=') ? '' : ' (a name without a= is x86_64)'}: a root never mixes architectures, and ${formatRootName(root)} is ${root.arch}`, {
    hint: `rebuild it for ${root.arch} ("hacktree build"), or pack it with "--arch ${root.arch}"; then remove this file from the artifacts directory`,
    data: { artifact: fileName, arch, rootArch: root.arch },
  });
}
