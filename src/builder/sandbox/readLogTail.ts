import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The last `count` lines of a log file, read from its end (a build log can be large). */
export function readLogTail(file: string, count: number): string[] {
  const fd = openSync(file, 'r');
  try {
    let start = fstatSync(fd).size;
    let tail = Buffer.alloc(0);
    // Bytes, not text, until the end: a block boundary may split a UTF-8 character.
    while (start > 0 && countNewlines(tail) <= count) {
      const length = Math.min(TAIL_BLOCK, start);
      start -= length;
      const block = Buffer.alloc(length);
      readSync(fd, block, 0, length, start);
      tail = Buffer.concat([block, tail]);
    }
    return tail.toString('utf8').replace(/\n$/, '').split('\n').slice(-count);
  } finally {
    closeSync(fd);
  }
}

const TAIL_BLOCK = 16 * 1024;

function countNewlines(bytes: Buffer): number {
  let newlines = 0;
  for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) newlines++;
  return newlines;
}
