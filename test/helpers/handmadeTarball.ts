import { spawnSync } from 'node:child_process';

/** One member of a hand-made archive, written exactly as given (no path is cleaned up). */
export type HandmadeMember = (
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; content: string; mode?: number }
  | { kind: 'symlink'; path: string; target: string; mode?: number }
  | { kind: 'hardlink'; path: string; target: string }
  | { kind: 'chardev' | 'blockdev'; path: string; major: number; minor: number; mode?: number }
  | { kind: 'fifo'; path: string; mode?: number }
) & {
  /** Owner ids as stored (default 0): ids past the ustar field's range go into pax records. */
  uid?: number;
  gid?: number;
  /** Extra pax records for this member ("path" overrides the header's name). */
  pax?: Record<string, string>;
};

export interface HandmadeTarballOptions {
  /** Gzip-compressed unless false. */
  gzip?: boolean;
  /** 'gnu' stores long names as GNU long-name members; default 'pax'. */
  format?: 'pax' | 'gnu';
}

// GNU tar rewrites what a malicious archive needs ("../x" loses its "..", "/x" its "/"),
// so such archives are written with python's tarfile, which stores names as given.
const WRITER = `
import io, json, sys, tarfile
spec = json.load(sys.stdin)
fmt = tarfile.GNU_FORMAT if spec['format'] == 'gnu' else tarfile.PAX_FORMAT
with tarfile.open(spec['out'], 'w:gz' if spec['gzip'] else 'w', format=fmt) as tf:
    for m in spec['members']:
        ti = tarfile.TarInfo(m['path'])
        ti.pax_headers = m.get('pax', {})
        ti.mtime = 1700000000
        ti.mode = m.get('mode', 0o755 if m['kind'] == 'dir' else 0o644)
        ti.uid = m.get('uid', 0); ti.gid = m.get('gid', 0)
        data = None
        if m['kind'] == 'dir':
            ti.type = tarfile.DIRTYPE
        elif m['kind'] == 'symlink':
            ti.type = tarfile.SYMTYPE; ti.linkname = m['target']; ti.mode = m.get('mode', 0o777)
        elif m['kind'] == 'hardlink':
            ti.type = tarfile.LNKTYPE; ti.linkname = m['target']
        elif m['kind'] in ('chardev', 'blockdev'):
            ti.type = tarfile.CHRTYPE if m['kind'] == 'chardev' else tarfile.BLKTYPE
            ti.devmajor = m['major']; ti.devminor = m['minor']
        elif m['kind'] == 'fifo':
            ti.type = tarfile.FIFOTYPE
        else:
            data = m['content'].encode()
            ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data) if data is not None else None)
`;

/** Writes a tarball holding exactly `members`, in order. */
export function writeHandmadeTarball(out: string, members: readonly HandmadeMember[], options: HandmadeTarballOptions = {}): void {
  const run = spawnSync('python3', ['-c', WRITER], {
    input: JSON.stringify({ out, gzip: options.gzip !== false, format: options.format ?? 'pax', members }),
    encoding: 'utf8',
  });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`python3 could not write ${out}: ${run.stderr}`);
}
