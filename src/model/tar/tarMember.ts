import type { MetaLine } from '../snapshot/metaRecord.js';
import type { RepoPath } from '../snapshot/repoPath.js';

/**
 * One member of an artifact tarball as hacktree reads and writes it: an entry with its full
 * metadata (a file's `size` is its content length), or a hardlink to an earlier member.
 */
export type TarMember = MetaLine | { kind: 'hardlink'; path: RepoPath; target: RepoPath };
