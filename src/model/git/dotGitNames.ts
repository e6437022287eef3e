/**
 * The spellings of ".git", ".gitmodules" and ".gitattributes" that git's fsck treats as those
 * names, because NTFS or HFS+ would open the same file: ports of git's is_ntfs_dotgit,
 * is_ntfs_dot_generic (path.c) and is_hfs_dot_generic (utf8.c), which `git fsck --strict` (and
 * so every fsck-checking server) applies to every tree entry on every platform. Names are the
 * strings of pathBytes: a byte that is not UTF-8 never matches, as git's checks give up on one.
 */

/** ".git", ".GIT", ".git.", ".git ", ".git:x", "git~1", "\u200c.git", "a\\.git" (a backslash separates on NTFS)... */
export function isDotGitAlias(name: string): boolean {
  return isHfsDot(name, 'git') || isNtfsDotGit(name) || afterBackslashes(name).some(isNtfsDotGit);
}

/** A name git's fsck reads as a .gitmodules file (and refuses as a symlink or a directory). */
export function isDotGitmodulesAlias(name: string): boolean {
  const ntfs = (n: string) => isNtfsDot(n, 'gitmodules', 'gi7eba');
  return isHfsDot(name, 'gitmodules') || ntfs(name) || afterBackslashes(name).some(ntfs);
}

/** A name git's fsck reads as a .gitattributes file (and refuses as a directory). */
export function isDotGitattributesAlias(name: string): boolean {
  return isHfsDot(name, 'gitattributes') || isNtfsDot(name, 'gitattributes', 'gi7d29');
}

/** What follows each backslash of a name: git's fsck checks those parts as NTFS would see them. */
function afterBackslashes(name: string): string[] {
  if (!name.includes('\\')) return [];
  return name.split('\\').slice(1);
}

/** Code points HFS+ ignores in names (zero-width and direction marks). */
const HFS_IGNORED = new Set([
  0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
  0x206a, 0x206b, 0x206c, 0x206d, 0x206e, 0x206f, 0xfeff,
]);

/**
 * "." then `needle`, ASCII case folded, with the code points HFS+ ignores skipped anywhere. As in
 * git, bytes that are not UTF-8 (and U+FFFE, U+FFFF, which git's decoder refuses too) end the
 * name there: ".git\xff" is .git to git's fsck.
 */
function isHfsDot(name: string, needle: string): boolean {
  const points: number[] = [];
  for (const ch of name) {
    const point = ch.codePointAt(0)!;
    if ((point >= 0xdc80 && point <= 0xdcff) || point === 0xfffe || point === 0xffff) break;
    if (!HFS_IGNORED.has(point)) points.push(point);
  }
  if (points.length !== needle.length + 1 || points[0] !== 0x2e) return false;
  for (let i = 0; i < needle.length; i++) if (asciiLower(points[i + 1]!) !== needle.charCodeAt(i)) return false;
  return true;
}

/** git's is_ntfs_dotgit: ".git" or "git~1", then only spaces and periods up to the end, a separator or ":". */
function isNtfsDotGit(name: string): boolean {
  let rest: number;
  if (name[0] === '.' && foldedStartsWith(name, 1, 'git')) rest = 4;
  else if (foldedStartsWith(name, 0, 'git') && name.startsWith('~1', 3)) rest = 5;
  else return false;
  for (let i = rest; ; i++) {
    const c = name[i];
    if (c === undefined || c === '/' || c === '\\' || c === ':') return true;
    if (c !== '.' && c !== ' ') return false;
  }
}

/** git's is_ntfs_dot_generic: ".NEEDLE", its short name "NEEDLE[0,6)~1..4", or the fallback "PREFIX~N". */
function isNtfsDot(name: string, needle: string, shortPrefix: string): boolean {
  if (name[0] === '.' && foldedStartsWith(name, 1, needle)) return onlySpacesAndPeriodsFrom(name, needle.length + 1);
  if (foldedStartsWith(name, 0, needle.slice(0, 6)) && name[6] === '~' && name[7]! >= '1' && name[7]! <= '4') {
    return onlySpacesAndPeriodsFrom(name, 8);
  }
  let sawTilde = false;
  for (let i = 0; i < 8; i++) {
    if (i >= name.length) return false;
    const c = name.charCodeAt(i);
    if (sawTilde) {
      if (c < 0x30 || c > 0x39) return false;
    } else if (c === 0x7e) {
      i++;
      if (!(name[i]! >= '1' && name[i]! <= '9')) return false;
      sawTilde = true;
    } else if (i >= 6 || c >= 0x80 || asciiLower(c) !== shortPrefix.charCodeAt(i)) {
      return false;
    }
  }
  return onlySpacesAndPeriodsFrom(name, 8);
}

function onlySpacesAndPeriodsFrom(name: string, start: number): boolean {
  for (let i = start; ; i++) {
    const c = name[i];
    if (c === undefined || c === ':') return true;
    if (c !== ' ' && c !== '.') return false;
  }
}

/** name[at...] begins with `lower` (ASCII letters), in any case: strncasecmp, which folds ASCII only. */
function foldedStartsWith(name: string, at: number, lower: string): boolean {
  if (name.length < at + lower.length) return false;
  for (let i = 0; i < lower.length; i++) if (asciiLower(name.charCodeAt(at + i)) !== lower.charCodeAt(i)) return false;
  return true;
}

function asciiLower(code: number): number {
  return code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
}
