import { escapeField, unescapeField } from './metaRecord.js';
import { compareRepoPaths, type RepoPath } from './repoPath.js';

/** The manifest: which artifact provided each path, one "path TAB artifact" line, sorted by path. */
export const MANIFEST_HEADER = 'hacktree-manifest 1';

export function serializeManifest(providers: ReadonlyMap<RepoPath, string>): string {
  const paths = [...providers.keys()].sort(compareRepoPaths);
  return [MANIFEST_HEADER, ...paths.map((p) => `${escapeField(p)}\t${providers.get(p)}`)].join('\n') + '\n';
}

export function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n').slice(1)) {
    const tab = line.lastIndexOf('\t');
    if (tab > 0) out.set(unescapeField(line.slice(0, tab)), line.slice(tab + 1));
  }
  return out;
}
