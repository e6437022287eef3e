import { HacktreeError } from '../../errors/HacktreeError.js';
import { isDotGitAlias, isDotGitattributesAlias, isDotGitmodulesAlias } from '../git/dotGitNames.js';
import { pathByteLength, quotePath } from './pathBytes.js';

/**
 * A path inside a tree, relative, '/'-separated, normalized, never escaping the tree:
 * "usr/bin/sh". The tree's own top directory is ".". Its names are bytes as pathBytes holds them.
 */
export type RepoPath = string & { readonly __repoPath: true };

export const TOP: RepoPath = '.' as RepoPath;

/** Linux's NAME_MAX: the longest name (in bytes) any of its filesystems stores. */
export const MAX_NAME_BYTES = 255;
/**
 * The longest path (in bytes) accepted: Linux's PATH_MAX (4096, with the final NUL) less 1 KiB
 * for the directory a checkout is made in, so that every path of a tree can be checked out.
 */
export const MAX_PATH_BYTES = 3072;

/** Why a name cannot be a path component: a code and the words for "NAME ..."; undefined when it can. */
export interface NameProblem {
  code: 'UNSAFE_PATH' | 'NAME_TOO_LONG';
  why: string;
}

/** Code points HFS+ ignores in names (see dotGitNames). */
const HFS_IGNORED = '\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff';
/** Names that might be .git as NTFS or HFS+ read them: only these need the slow checks. */
const MAYBE_DOT_GIT = new RegExp(`^(\\.[gG${HFS_IGNORED}]|[gG][iI][tT]~)|[${HFS_IGNORED}]|\\\\`);
/** Names that might be .gitmodules or .gitattributes (short names such as "gi7eba~1" included). */
const MAYBE_GIT_FILE = new RegExp(`^[.gG]|[${HFS_IGNORED}]|\\\\`);

/**
 * What is wrong with a single path component: "", ".", "..", "/" and NUL, which no tree can
 * hold; any spelling git's fsck reads as ".git" (".GIT", ".git.", "git~1", ...; see
 * dotGitNames), which `git fsck --strict` refuses; and more than 255 bytes, which Linux cannot
 * check out.
 */
export function nameProblem(name: string): NameProblem | undefined {
  if (name === '' || name === '.' || name === '..') return { code: 'UNSAFE_PATH', why: `is "${name}"` };
  if (name.includes('/')) return { code: 'UNSAFE_PATH', why: 'holds a "/"' };
  if (name.includes('\0')) return { code: 'UNSAFE_PATH', why: 'holds a NUL byte' };
  if (MAYBE_DOT_GIT.test(name) && isDotGitAlias(name)) {
    return { code: 'UNSAFE_PATH', why: name.toLowerCase() === '.git' ? 'is ".git", which git cannot store' : 'is a spelling of ".git" (as NTFS or HFS+ read it), which git refuses to store' };
  }
  // A UTF-16 unit is at most 3 bytes: only long names need counting.
  if (name.length * 3 > MAX_NAME_BYTES && pathByteLength(name) > MAX_NAME_BYTES) {
    return { code: 'NAME_TOO_LONG', why: `is ${pathByteLength(name)} bytes long; Linux allows at most ${MAX_NAME_BYTES}` };
  }
  return undefined;
}

/** Is this a safe single path component? (see nameProblem) */
export function isSafeName(name: string): boolean {
  return nameProblem(name) === undefined;
}

/**
 * Normalizes a member path from an archive or the user ("./usr//bin/" -> "usr/bin") and rejects
 * anything unsafe: absolute paths, "..", NUL bytes, ".git" in any spelling git refuses
 * (UNSAFE_PATH), a name over 255 bytes or a path over MAX_PATH_BYTES (NAME_TOO_LONG).
 */
export function parseRepoPath(raw: string, where = 'path'): RepoPath {
  if (raw.includes('\0')) throw unsafe(raw, where, 'contains a NUL byte');
  if (raw.startsWith('/')) throw unsafe(raw, where, 'is absolute');
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) return TOP;
  for (const part of parts) {
    if (part === '..') throw unsafe(raw, where, 'climbs out of the tree with ".."');
    const problem = nameProblem(part);
    if (problem?.code === 'UNSAFE_PATH') {
      throw unsafe(raw, where, part.toLowerCase() === '.git' ? 'has a ".git" component, which git cannot store' : `has a component ${quotePath(part)} that ${problem.why}`);
    }
    if (problem) throw tooLong(raw, where, `has a component that ${problem.why}`);
  }
  const path = parts.join('/');
  const tooLongWhy = pathLengthProblem(path);
  if (tooLongWhy) throw tooLong(raw, where, tooLongWhy);
  return path as RepoPath;
}

/** Linux's PATH_MAX less its final NUL: the longest symlink target symlink(2) makes. */
export const MAX_TARGET_BYTES = 4095;

/** Why a symlink's target is too long for Linux (NAME_TOO_LONG), or undefined. */
export function symlinkTargetProblem(target: string): string | undefined {
  if (target.length * 3 <= MAX_TARGET_BYTES) return undefined;
  const bytes = pathByteLength(target);
  return bytes <= MAX_TARGET_BYTES ? undefined : `is ${bytes} bytes long; Linux makes symlinks of up to ${MAX_TARGET_BYTES}`;
}

/** Why a whole path is too long for a checkout (NAME_TOO_LONG), or undefined. */
export function pathLengthProblem(path: string): string | undefined {
  // A UTF-16 unit is at most 3 bytes: only long paths need counting.
  if (path.length * 3 <= MAX_PATH_BYTES) return undefined;
  const bytes = pathByteLength(path);
  if (bytes <= MAX_PATH_BYTES) return undefined;
  return `is ${bytes} bytes long; hacktree accepts paths of up to ${MAX_PATH_BYTES} bytes, so that a checkout can hold them`;
}

function unsafe(raw: string, where: string, why: string): HacktreeError {
  return new HacktreeError('UNSAFE_PATH', `${where} ${JSON.stringify(raw)} ${why}`, {
    hint: 'hacktree only accepts relative paths that stay inside the tree and that git stores; fix the input that names this path',
    data: { path: raw, where },
  });
}

function tooLong(raw: string, where: string, why: string): HacktreeError {
  return new HacktreeError('NAME_TOO_LONG', `${where} ${JSON.stringify(raw)} ${why}`, {
    hint: 'shorten the name (or the path) in the input, or leave that file out',
    data: { path: raw, where },
  });
}

/**
 * Why git's fsck would refuse this entry for its type, or undefined: a symlink named .gitmodules
 * (gitmodulesSymlink), or a directory named .gitmodules or .gitattributes (gitmodulesBlob,
 * gitattributesBlob), in any spelling git reads as those.
 */
export function entryKindProblem(path: string, kind: string): string | undefined {
  if (kind !== 'symlink' && kind !== 'dir') return undefined;
  const name = baseName(path as RepoPath);
  if (!MAYBE_GIT_FILE.test(name)) return undefined;
  if (isDotGitmodulesAlias(name)) return `is a ${kind === 'dir' ? 'directory' : 'symlink'} named ${quotePath(name)}, which git reads as .gitmodules and refuses to store`;
  if (kind === 'dir' && isDotGitattributesAlias(name)) return `is a directory named ${quotePath(name)}, which git reads as .gitattributes and refuses to store`;
  return undefined;
}

/** The names git's fsck reads as .gitmodules or .gitattributes, whose content it checks (see gitSpecialFileProblem). */
export function isGitSpecialFileName(name: string): boolean {
  return MAYBE_GIT_FILE.test(name) && (isDotGitmodulesAlias(name) || isDotGitattributesAlias(name));
}

/**
 * What sends a path to parseCanonicalRepoPath's slow path: a component that is "", "." or "..",
 * a leading "/", NUL, a component that could be a .git spelling, or one long enough to need its
 * bytes counted (a UTF-16 unit is at most 3 bytes).
 */
const NOT_CANONICAL = new RegExp(
  `(^|/)(\\.\\.?)?(/|$)|\\0|(^|/)(\\.[gG${HFS_IGNORED}]|[gG][iI][tT]~)|[${HFS_IGNORED}]|\\\\|[^/]{${Math.floor(MAX_NAME_BYTES / 3) + 1}}`,
);

/**
 * Accepts only a path already in canonical form ("usr/bin", never "./usr" or "usr//bin") and
 * safe: one regex test instead of parseRepoPath's split and join, for records of 10k+ lines.
 */
export function parseCanonicalRepoPath(raw: string, where = 'path'): RepoPath {
  if (raw !== '' && raw.length * 3 <= MAX_PATH_BYTES && !NOT_CANONICAL.test(raw)) return raw as RepoPath;
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
