import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { FsckProblem } from '../../model/git/fsckProblem.js';
import type { Oid } from '../../model/git/oid.js';
import { findCorruptPackedObjects } from './findCorruptPackedObjects.js';
import type { Repository } from '../repository/repository.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';

/** A pack `git verify-pack` rejects, and what is known of it object by object. */
export interface DamagedPack {
  path: string;
  indexPath: string;
  /** Every object its index lists. */
  objects: Oid[];
  /** The problems of its corrupt objects, each with its oid. */
  problems: FsckProblem[];
}

export interface PacksReport {
  packs: number;
  problems: FsckProblem[];
  /** Objects found corrupt in a pack, so later passes do not report them twice. */
  corrupt: Set<Oid>;
  /** Packs whose corrupt objects are known: `fsck --repair` may rewrite them (see rewriteDamagedPack). */
  damaged: DamagedPack[];
}

/**
 * Packs come from big commits, pulls and native `git gc`; native git checks them: `git
 * verify-pack` re-hashes every object of a pack against its index. A pack it rejects is then
 * gone through object by object (findCorruptPackedObjects), so that fsck names each object
 * lost, not just the pack. The reachability pass reads packed objects through `git cat-file --batch`.
 */
export function verifyPacks(repo: Repository): PacksReport {
  const packDir = join(repo.objectsDir, 'pack');
  const indexes = listDirectory(packDir).filter((name) => name.endsWith('.idx')).sort();
  const report: PacksReport = { packs: indexes.length, problems: [], corrupt: new Set(), damaged: [] };
  for (const index of indexes) {
    const indexPath = join(packDir, index);
    const run = spawnSync('git', [`--git-dir=${repo.dir}`, 'verify-pack', indexPath], { encoding: 'utf8' });
    if (run.error) {
      report.problems.push({ kind: 'pack-invalid', path: indexPath, detail: `could not run "git verify-pack" to check it: ${run.error.message}` });
      continue;
    }
    if (run.status === 0) continue;
    const why = `${run.stderr}${run.stdout}`.trim().split('\n').slice(-3).join('; ');
    const path = indexPath.replace(/\.idx$/, '.pack');
    const found = findCorruptPackedObjects(path, indexPath);
    if (found === null || found.corrupt.length === 0) {
      report.problems.push({ kind: 'pack-invalid', path: indexPath, detail: `git verify-pack rejects it: ${why}` });
      continue;
    }
    const problems = found.corrupt.map((oid): FsckProblem => ({
      kind: 'object-corrupt',
      path,
      oid,
      detail: `packed object ${oid} is corrupt: its bytes in the pack fail the checksum its index keeps (git verify-pack: ${why})`,
    }));
    for (const oid of found.corrupt) report.corrupt.add(oid);
    report.problems.push(...problems);
    report.damaged.push({ path, indexPath, objects: found.objects, problems });
  }
  return report;
}
