import { HacktreeError } from '../../errors/HacktreeError.js';
import { checkMemberMeta } from './checkMemberMeta.js';
import type { Xattr } from '../snapshot/fsEntry.js';
import type { MetaLine } from '../snapshot/metaRecord.js';
import { parseRepoPath, symlinkTargetProblem, TOP, type RepoPath } from '../snapshot/repoPath.js';
import type { TarEntryType, TarHeader } from './tarHeader.js';
import type { TarMember } from './tarMember.js';

export type TarMemberType = Exclude<TarEntryType, 'paxLocal' | 'paxGlobal' | 'gnuLongName' | 'gnuLongLink' | 'gnuSparse'>;

/**
 * The member a header (with its extended headers already applied) describes. Its path and a
 * hardlink's target go through parseRepoPath, so "../x" and "/etc/x" throw UNSAFE_PATH;
 * `where` ("FILE: member N") names the member in that error.
 */
export function tarMemberOfHeader(header: TarHeader, type: TarMemberType, xattrs: Xattr[], where: string): TarMember {
  const path = parseRepoPath(header.name, `${where} path`);
  if (type === 'hardlink') {
    const target = parseRepoPath(header.linkname, `${where} hardlink target`);
    if (target === TOP) throw invalid('a hardlink to the top directory');
    return { kind: 'hardlink', path, target };
  }
  if (path === TOP && type !== 'dir') throw invalid(`the top directory "." is a ${type}`);
  return checkMemberMeta(entryOf(header, type, path, xattrs, where), where);
}

function entryOf(header: TarHeader, type: Exclude<TarMemberType, 'hardlink'>, path: RepoPath, xattrs: Xattr[], where: string): MetaLine {
  const base = { path, mode: header.mode & 0o7777, uid: header.uid, gid: header.gid, xattrs };
  switch (type) {
    case 'file': return { ...base, kind: 'file', size: header.size };
    case 'symlink':
      if (header.linkname === '' || header.linkname.includes('\0')) throw invalid('a symlink with an empty target or a NUL byte in it');
      if (symlinkTargetProblem(header.linkname)) {
        throw new HacktreeError('NAME_TOO_LONG', `${where} symlink ${JSON.stringify(path)}: its target ${symlinkTargetProblem(header.linkname)}`, {
          hint: 'shorten the symlink\'s target in the input, or leave the symlink out',
          data: { path },
        });
      }
      return { ...base, kind: 'symlink', target: header.linkname };
    case 'chardev':
    case 'blockdev': return { ...base, kind: type, major: header.devmajor, minor: header.devminor };
    case 'dir':
    case 'fifo': return { ...base, kind: type };
  }
}

function invalid(why: string): HacktreeError {
  return new HacktreeError('TAR_INVALID', why, { hint: 'the archive does not describe a valid tree' });
}
