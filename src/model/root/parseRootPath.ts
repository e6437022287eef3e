import { quotePath, unquotePath } from '../snapshot/pathBytes.js';
import { parseRepoPath, type RepoPath } from '../snapshot/repoPath.js';

/**
 * A path inside a root as a user types it: "/usr/bin/su", "usr/bin/su" and "/" all work, since
 * people think of a root's paths as absolute; so does the quoted form displayRootPath shows for
 * bytes that are not UTF-8 ('"/usr/a\xff"'). Unsafe paths are still rejected.
 */
export function parseRootPath(raw: string): RepoPath {
  return parseRepoPath(unquotePath(raw).replace(/^\/+/, ''), 'path');
}

/**
 * How a root's path is shown to the user: "/usr/bin/su", "/" for the top; one with bytes that
 * are not UTF-8 (or control characters) quoted with escapes: "/usr/a\xff" (see quotePath).
 */
export function displayRootPath(path: string): string {
  return path === '.' ? '/' : quotePath(`/${path}`);
}
