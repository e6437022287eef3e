/**
 * Orders versions as dpkg does (verrevcmp): alternating non-digit and digit runs; non-digits
 * compare by character with letters before other characters and "~" before everything, even
 * the end; digit runs compare numerically. "2.24.0-10-g1d39095" > "2.24.0" > "2.24.0~rc1".
 */
export function compareVersions(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a[i]!)) || (j < b.length && !isDigit(b[j]!))) {
      const ac = i < a.length && !isDigit(a[i]!) ? order(a[i]!) : 0;
      const bc = j < b.length && !isDigit(b[j]!) ? order(b[j]!) : 0;
      if (ac !== bc) return ac - bc;
      if (i < a.length && !isDigit(a[i]!)) i++;
      if (j < b.length && !isDigit(b[j]!)) j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (i < a.length && isDigit(a[i]!) && j < b.length && isDigit(b[j]!)) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigit(a[i]!)) return 1;
    if (j < b.length && isDigit(b[j]!)) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function order(c: string): number {
  if (c === '~') return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}
