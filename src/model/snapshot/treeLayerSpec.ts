import { HacktreeError } from '../../errors/HacktreeError.js';

/** One `--tree TYPE=VALUE` of `root commit`, as ostree's `commit --tree=`. */
export interface TreeLayerSpec {
  type: 'dir' | 'tar' | 'artifact' | 'ref';
  value: string;
}

const TYPES = new Set(['dir', 'tar', 'artifact', 'ref']);

export function parseTreeLayerSpec(text: string): TreeLayerSpec {
  const eq = text.indexOf('=');
  const type = text.slice(0, eq);
  const value = text.slice(eq + 1);
  if (eq < 0 || !TYPES.has(type) || value === '') {
    throw new HacktreeError('USAGE', `--tree ${JSON.stringify(text)} is not TYPE=VALUE with TYPE dir, tar, artifact or ref`, {
      hint: 'for example --tree dir=/srv/rootfs --tree artifact=artifacts/foo-runtime,….tar.gz',
      data: { tree: text },
    });
  }
  return { type: type as TreeLayerSpec['type'], value };
}
