/** Splits a Linux dev_t into major and minor numbers (glibc's gnu_dev_major/gnu_dev_minor). */
export function splitRdev(rdev: bigint): { major: number; minor: number } {
  return {
    major: Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn)),
    minor: Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn)),
  };
}
