/**
 * The index of a root's corresponding source (`hacktree root sources NAME DIR`): every file
 * that built each component, where it is in DIR, where it came from and its sha256.
 */
export interface SourceIndex {
  root: string;
  commit: string;
  components: SourceIndexComponent[];
  /** Base roots under the root: not built by hacktree; their sources are their distribution's. */
  bases: Array<{ branch: string; commit: string | null }>;
}

export interface SourceIndexComponent {
  name: string;
  version: string;
  /** SPDX expression. */
  license: string;
  /** The recipe in DIR (recipes/NAME_VERSION.bb). */
  recipe: string;
  files: SourceIndexFile[];
}

export interface SourceIndexFile {
  /** Relative to DIR. */
  path: string;
  /** source: a download or file:// source; patch: applied to it; recipe: the .bb, its includes and site.conf. */
  kind: 'source' | 'patch' | 'recipe';
  /** Where the recipe takes it from (https://…, file://NAME beside the recipe); null for recipe files. */
  url: string | null;
  sha256: string;
  size: number;
}

/** DIR/SOURCES.md: the index for people. */
export function formatSourceIndex(index: SourceIndex): string {
  const lines = [
    `# Corresponding source of ${index.root}`,
    '',
    `Root commit ${index.commit}. Each component below was built by hacktree from exactly these`,
    'files: the source archives (downloads/), the patches and local files (recipes/NAME-VERSION/),',
    'and the recipes that say how (recipes/). Each file is listed with its sha256 and the URL it',
    'was taken from. recipes/ is a hacktree recipes directory: to build a component again, copy it',
    'into a workspace and point the downloads at this directory, e.g.',
    '`HACKTREE_PREMIRRORS="https?://.*/.* file:///PATH/TO/THIS/DIR/downloads/" hacktree build NAME`.',
    '',
  ];
  for (const component of index.components) {
    lines.push(`## ${component.name} ${component.version}`, '', `License: ${component.license}`, '');
    for (const file of component.files) {
      lines.push(`- ${file.path} (${file.kind}, ${file.size} bytes)`, `  sha256 ${file.sha256}`, ...(file.url === null ? [] : [`  from ${file.url}`]));
    }
    lines.push('');
  }
  for (const base of index.bases) {
    lines.push(`## Base ${base.branch}`, '', `Commit ${base.commit ?? '(branch gone)'}: not built by hacktree; its source is its distribution's (for Debian: apt-get source, snapshot.debian.org).`, '');
  }
  return lines.join('\n');
}
