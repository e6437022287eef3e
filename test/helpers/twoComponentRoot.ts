import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hacktreeOk, packDir } from './debRoot.js';

/** The root the local-branch and daemon tests work on: alpha and beta, nothing else. */
export const TWO_COMPONENT_ROOT = '1.0-runtime-opt-x86_64';

/**
 * Packs alpha 1 and beta 1 (each `/usr/share/NAME/file` and `other`) into WORK/artifacts, writes
 * WORK/roots/1.0.json naming them, and composes TWO_COMPONENT_ROOT in a new repository WORK/repo.
 */
export function composeTwoComponentRoot(work: string): { repo: string; artifacts: string } {
  const repo = join(work, 'repo');
  const artifacts = join(work, 'artifacts');
  for (const [name, content] of [['alpha', 'alpha 1\n'], ['beta', 'beta 1\n']] as const) {
    const dir = join(work, 'data', name);
    mkdirSync(join(dir, 'usr/share', name), { recursive: true });
    writeFileSync(join(dir, 'usr/share', name, 'file'), content);
    writeFileSync(join(dir, 'usr/share', name, 'other'), `${name} other\n`);
    packDir(dir, { name, version: '1', out: artifacts });
  }
  mkdirSync(join(work, 'roots'));
  writeFileSync(join(work, 'roots', '1.0.json'), JSON.stringify({ version: '1.0', arches: ['x86_64'], runtime: ['alpha', 'beta'] }));
  hacktreeOk(repo, ['init']);
  hacktreeOk(repo, ['root', 'compose', TWO_COMPONENT_ROOT, '--roots', join(work, 'roots'), '--artifacts', artifacts]);
  return { repo, artifacts };
}

/** A local artifact of NAME 1 whose `/usr/share/NAME/file` says "NAME local" (and has no `other`), in WORK/local. */
export function packLocalComponent(work: string, name: string): string {
  const dir = join(work, `local-${name}`);
  mkdirSync(join(dir, 'usr/share', name), { recursive: true });
  writeFileSync(join(dir, 'usr/share', name, 'file'), `${name} local\n`);
  return packDir(dir, { name, version: '1', out: join(work, 'local'), origin: 'local' });
}
