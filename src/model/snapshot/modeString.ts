import type { EntryKind } from './fsEntry.js';

const TYPE_LETTER: Record<EntryKind, string> = {
  dir: 'd', file: '-', symlink: 'l', chardev: 'c', blockdev: 'b', fifo: 'p',
};

/** The mode as `ls -l` shows it: "-rwsr-xr-x", "drwxrwxrwt", "lrwxrwxrwx". */
export function formatModeString(kind: EntryKind, mode: number): string {
  let out = TYPE_LETTER[kind];
  const special = [0o4000, 0o2000, 0o1000];
  const specialLetter = ['s', 's', 't'];
  for (let who = 0; who < 3; who++) {
    const bits = (mode >> (6 - who * 3)) & 7;
    out += bits & 4 ? 'r' : '-';
    out += bits & 2 ? 'w' : '-';
    const execute = (bits & 1) !== 0;
    const letter = specialLetter[who]!;
    // ls shows a special bit without execute as an upper-case letter ("S", "T").
    if (mode & special[who]!) out += execute ? letter : letter.toUpperCase();
    else out += execute ? 'x' : '-';
  }
  return out;
}

/** The permission bits as four octal digits: "4755". */
export function formatOctalMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
