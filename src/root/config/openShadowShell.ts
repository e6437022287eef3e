import type { Readable } from 'node:stream';
import type { ShadowTree } from './shadowTree.js';
import { spawnInShadow } from './spawnInShadow.js';

/**
 * An interactive /bin/sh in the shadow's sandbox, on the caller's terminal; resolves when it exits.
 * Without job control (+m): a shell that took the terminal's foreground would leave hacktree in
 * the background, unable to read the answer to its question.
 */
export async function openShadowShell(shadow: ShadowTree, scriptsDir: string): Promise<number> {
  const child = spawnInShadow({ shadow, scriptsDir, argv: ['/bin/sh', '-i', '+m'], interactive: true });
  (child.stdio[3] as Readable).resume();
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 128 + 9));
  });
}
