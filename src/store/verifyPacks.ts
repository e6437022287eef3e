import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { FsckProblem } from '../model/fsckProblem.js';
import type { Repository } from './repository.js';
import { listDirectory } from './listDirectory.js';

/**
 * Packs come from big commits, pulls and native `git gc`; native git checks them: `git
 * verify-pack` re-hashes every object of a pack against its index. hacktree does not parse packs
 * itself: the reachability pass reads packed objects through `git cat-file --batch`.
 */
export function verifyPacks(repo: Repository): { packs: number; problems: FsckProblem[] } {
  const packDir = join(repo.objectsDir, 'pack');
  const indexes = listDirectory(packDir).filter((name) => name.endsWith('.idx')).sort();
  const problems: FsckProblem[] = [];
  for (const index of indexes) {
    const path = join(packDir, index);
    const run = spawnSync('git', [`--git-dir=${repo.dir}`, 'verify-pack', path], { encoding: 'utf8' });
    if (run.error) {
      problems.push({ kind: 'pack-invalid', path, detail: `could not run "git verify-pack" to check it: ${run.error.message}` });
    } else if (run.status !== 0) {
      const why = `${run.stderr}${run.stdout}`.trim().split('\n').slice(-3).join('; ');
      problems.push({ kind: 'pack-invalid', path, detail: `git verify-pack rejects it: ${why}` });
    }
  }
  return { packs: indexes.length, problems };
}
