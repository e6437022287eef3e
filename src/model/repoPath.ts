import { HacktreeError } from '../errors/HacktreeError.js';

/**
 * A path inside a tree, relative, '/'-separated, normalized, never escaping the tree:
 * "usr/bin/sh". The tree's own top directory is ".".
 */
export type RepoPath = string & { readonly __repoPath: true };

export const TOP: RepoPath = '.' as RepoPath;

/** Is this a safe single path component? (no "", ".", "..", "/", NUL, ".git") */
export function isSafeName(name: string): boolean {
  return (
    name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\0') &&
    name.toLowerCase() !== '.git'
  );
}

/**
 * Normalizes a member path from an archive or the user ("./usr//bin/" -> "usr/bin") and rejects
 * anything unsafe: absolute paths, "..", NUL bytes, ".git" components.
 */
export function parseRepoPath(raw: string, where = 'path'): RepoPath {
  if (raw.includes('\0')) throw unsafe(raw, where, 'contains a NUL byte');
  if (raw.startsWith('/')) throw unsafe(raw, where, 'is absolute');
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) return TOP;
  for (const part of parts) {
    if (part === '..') throw unsafe(raw, where, 'climbs out of the tree with ".."');
    if (part.toLowerCase() === '.git') throw unsafe(raw, where, 'has a ".git" component, which git cannot store');
  }
  return parts.join('/') as RepoPath;
}

function unsafe(raw: string, where: string, why: string): HacktreeError {
  return new HacktreeError('UNSAFE_PATH', `${where} ${JSON.stringify(raw)} ${why}`, {
    hint: 'hacktree only accepts relative paths that stay inside the tree; fix the input that names this path',
    data: { path: raw, where },
  });
}

/** Native `git fsck --strict` rejects a symlink named .gitmodules (gitmodulesSymlink), in any case. */
export function isGitmodulesSymlink(path: string, kind: string): boolean {
  return kind === 'symlink' && baseName(path as RepoPath).toLowerCase() === '.gitmodules';
}

const NOT_CANONICAL = /(^|\/)(\.\.?|\.git)(\/|$)|^\/|\/\/|\/$|\0/i;

/**
 * Accepts only a path already in canonical form ("usr/bin", never "./usr" or "usr//bin") and
 * safe: one regex test instead of parseRepoPath's split and join, for records of 10k+ lines.
 */
export function parseCanonicalRepoPath(raw: string, where = 'path'): RepoPath {
  if (raw !== '' && !NOT_CANONICAL.test(raw)) return raw as RepoPath;
  const parsed = parseRepoPath(raw, where);
  if (parsed !== raw) throw new HacktreeError('UNSAFE_PATH', `${where} ${JSON.stringify(raw)} is not in canonical form`, {
    hint: 'the record was not written by hacktree or is damaged; run "hacktree fsck"',
    data: { path: raw, where },
  });
  return parsed;
}

export function parentOf(path: RepoPath): RepoPath {
  if (path === TOP) throw new TypeError('the top directory has no parent');
  const slash = path.lastIndexOf('/');
  return (slash < 0 ? TOP : path.slice(0, slash)) as RepoPath;
}

export function baseName(path: RepoPath): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinRepoPath(dir: RepoPath, name: string): RepoPath {
  return (dir === TOP ? name : `${dir}/${name}`) as RepoPath;
}

/** Order of paths in a snapshot: "." first, then by UTF-16 code units; parents precede children. */
export function compareRepoPaths(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '.') return -1;
  if (b === '.') return 1;
  return a < b ? -1 : 1;
}
