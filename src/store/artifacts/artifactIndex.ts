import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArtifactIndexRows, type ArtifactIndexRow } from '../../model/artifact/artifactIndexRows.js';
import { readDerivedFile } from '../repository/readDerivedFile.js';
import type { Repository } from '../repository/repository.js';
import { writeDerivedFile } from '../repository/writeDerivedFile.js';

/**
 * Remembers the sha256 of artifact tarballs by path and stat facts, so composing a root from
 * hundreds of already-imported artifacts reads none of them again (hashing them was a large
 * part of a compose: docs/decisions/0011-derived-caches.md).
 */
export interface ArtifactIndex {
  /** The tarball's sha256 if it is known and the file is unchanged. */
  lookup(file: string): string | undefined;
  remember(file: string, sha256: string): void;
  /** Writes the index back if anything was remembered. */
  save(): void;
}

function statKeyOf(file: string): string {
  const st = statSync(file, { bigint: true });
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

export function openArtifactIndex(repo: Repository): ArtifactIndex {
  const path = join(repo.statCacheDir, 'artifacts.json');
  const data = readDerivedFile(path);
  // A cache: a damaged one is dropped (its tarballs are hashed again) and written anew on save.
  const rows = (data === null ? null : parseArtifactIndexRows(data.toString('utf8'))) ?? new Map<string, ArtifactIndexRow>();
  let dirty = false;
  return {
    lookup(file) {
      const row = rows.get(resolve(file));
      return row && row.key === statKeyOf(file) ? row.sha256 : undefined;
    },
    remember(file, sha256) {
      rows.set(resolve(file), { key: statKeyOf(file), sha256 });
      dirty = true;
    },
    save() {
      if (dirty) writeDerivedFile(repo, repo.statCacheDir, path, [Buffer.from(JSON.stringify(Object.fromEntries(rows)))]);
      dirty = false;
    },
  };
}
