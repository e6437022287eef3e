import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

type Row = { key: string; sha256: string };

function statKeyOf(file: string): string {
  const st = statSync(file, { bigint: true });
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

export function openArtifactIndex(repo: Repository): ArtifactIndex {
  const path = join(repo.statCacheDir, 'artifacts.json');
  let rows: Record<string, Row> = {};
  const data = readDerivedFile(path);
  try {
    if (data !== null) rows = JSON.parse(data.toString('utf8')) as Record<string, Row>;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
  }
  let dirty = false;
  return {
    lookup(file) {
      const row = rows[resolve(file)];
      return row && row.key === statKeyOf(file) ? row.sha256 : undefined;
    },
    remember(file, sha256) {
      rows[resolve(file)] = { key: statKeyOf(file), sha256 };
      dirty = true;
    },
    save() {
      if (dirty) writeDerivedFile(repo, repo.statCacheDir, path, [Buffer.from(JSON.stringify(rows))]);
      dirty = false;
    },
  };
}
