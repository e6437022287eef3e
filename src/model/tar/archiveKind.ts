/**
 * How a source file is unpacked, from its name as BitBake's unpack decides: a tar archive
 * (compressed or not), a zip, a single compressed file (decompressed beside, without its
 * suffix), or a plain file (copied).
 */
export type ArchiveKind =
  | { kind: 'tar' }
  | { kind: 'zip' }
  | { kind: 'compressed'; decompressor: 'gzip' | 'bzip2' | 'xz' | 'zstd'; outputName: string }
  | { kind: 'plain' };

const TAR = /\.(tar|tar\.(gz|bz2|xz|zst|lz|lzma|Z)|tgz|tbz|tbz2|txz|tzst|crate)$/;
const ZIP = /\.(zip|jar)$/;
const COMPRESSED: [string, 'gzip' | 'bzip2' | 'xz' | 'zstd'][] = [
  ['.gz', 'gzip'],
  ['.Z', 'gzip'],
  ['.bz2', 'bzip2'],
  ['.xz', 'xz'],
  ['.zst', 'zstd'],
];

export function archiveKind(fileName: string): ArchiveKind {
  if (TAR.test(fileName)) return { kind: 'tar' };
  if (ZIP.test(fileName)) return { kind: 'zip' };
  for (const [suffix, decompressor] of COMPRESSED) {
    if (fileName.endsWith(suffix) && fileName.length > suffix.length) {
      return { kind: 'compressed', decompressor, outputName: fileName.slice(0, -suffix.length) };
    }
  }
  return { kind: 'plain' };
}

/**
 * Why an archive member's name would land outside the directory it is unpacked in (absolute,
 * or a ".." component), or undefined when it is safe.
 */
export function unsafeMemberReason(name: string): string | undefined {
  if (name.startsWith('/')) return 'is an absolute path';
  if (name.split('/').includes('..')) return 'has a ".." component';
  if (name.includes('\0')) return 'contains a NUL byte';
  return undefined;
}
