import { lstatSync, readlinkSync, rmSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { FsckProblem } from '../../model/git/fsckProblem.js';
import { TEMP_OBJECT_PREFIX } from '../repository/atomicWrite.js';
import { hashFileAsBlob } from '../objects/hashFileAsBlob.js';
import { listFanOut } from '../../platform/fs/listFanOut.js';
import { splitRdev } from '../../model/snapshot/deviceNumbers.js';
import { hashObject } from '../../model/git/gitObject.js';
import { TOP } from '../../model/snapshot/repoPath.js';
import { parseRawObjectName, rawIdOf, rawObjectKey, type RawKind } from '../raw/rawCache.js';
import { readXattrs } from '../../platform/fs/readXattrs.js';
import type { Repository } from '../repository/repository.js';
import type { ProgressCallback } from '../blobs/storeFilesInParallel.js';

export interface RawCacheReport {
  checked: number;
  problems: FsckProblem[];
  /** Raw paths found damaged (and, with repair, deleted): a later pass rebuilds those a ref needs. */
  damaged: Map<string, FsckProblem>;
}

/**
 * Re-hashes every raw cache file and compares its actual mode, owner and xattrs with the key in
 * its name. With `repair`, damaged and stray files are deleted: the cache is derived from git.
 */
export async function verifyRawCache(repo: Repository, options: { repair: boolean; onProgress?: ProgressCallback }): Promise<RawCacheReport> {
  const report: RawCacheReport = { checked: 0, problems: [], damaged: new Map() };
  for await (const { fan, names } of listFanOut(repo.rawDir)) {
    for (const name of names) {
      if (name.startsWith(TEMP_OBJECT_PREFIX)) continue; // a live writer's: see removeStaleTempFiles
      const path = join(repo.rawDir, fan, name);
      const problem = checkRawFile(path, fan, name);
      if (problem) {
        if (options.repair) {
          rmSync(path, { force: true, recursive: true });
          problem.repaired = 'deleted';
        }
        report.problems.push(problem);
        if (problem.kind !== 'raw-unexpected') report.damaged.set(path, problem);
      }
      if (++report.checked % 1024 === 0) options.onProgress?.('checking raw cache', report.checked, 0);
    }
  }
  options.onProgress?.('checking raw cache', report.checked, 0);
  report.problems.sort((a, b) => (a.path < b.path ? -1 : 1));
  return report;
}

function checkRawFile(path: string, fan: string, name: string): FsckProblem | null {
  const parsed = parseRawObjectName(fan, name);
  if (!parsed) return { kind: 'raw-unexpected', path, detail: `${name} is not a raw object name (<id>.<type><mode>.<uid>.<gid>[.<xattr hash>])` };
  const { oid, kind, key } = parsed;
  const stat = lstatSync(path);
  const actualKind = rawKindOf(stat);
  if (actualKind !== kind) return { kind: 'raw-corrupt', path, oid, detail: `it is a ${actualKind}, its name says ${kind}` };
  const actual = actualRawId(path, stat, kind);
  if (actual !== oid) return { kind: 'raw-corrupt', path, oid, detail: `its ${kind === 'file' ? 'content' : kind === 'symlink' ? 'target' : 'device numbers'} hash to ${actual}, not ${oid}` };
  // A symlink's mode is 0777 whatever its name says: Linux keeps no other (imports older than
  // the rule that records 0777 named some l644), so it is not compared.
  const mode = kind === 'symlink' ? parseInt(key.slice(1, key.indexOf('.')), 8) : stat.mode & 0o7777;
  const actualKey = rawObjectKey(kind, { mode, uid: stat.uid, gid: stat.gid, xattrs: readXattrs(path) });
  if (actualKey !== key) {
    return { kind: 'raw-metadata', path, oid, detail: `its metadata is ${describeKey(actualKey)}, its name says ${describeKey(key)}` };
  }
  return null;
}

/** "f4755.0.0.ab12…" as "mode 4755, owner 0:0, xattrs ab12…". */
function describeKey(key: string): string {
  const [mode, uid, gid, xattrs] = key.split('.');
  return `mode ${mode!.slice(1).padStart(4, '0')}, owner ${uid}:${gid}, ${xattrs ? `xattrs ${xattrs}` : 'no xattrs'}`;
}

function rawKindOf(stat: Stats): RawKind | 'directory' | 'socket' {
  if (stat.isFile()) return 'file';
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isCharacterDevice()) return 'chardev';
  if (stat.isBlockDevice()) return 'blockdev';
  if (stat.isFIFO()) return 'fifo';
  return stat.isDirectory() ? 'directory' : 'socket';
}

/** The id the raw entry's own content gives: its blob, its target's blob, or its device numbers' hash. */
function actualRawId(path: string, stat: Stats, kind: RawKind): string {
  if (kind === 'file') return hashFileAsBlob(path);
  if (kind === 'symlink') return hashObject('blob', readlinkSync(path, { encoding: 'buffer' }));
  const meta = { path: TOP, mode: 0, uid: 0, gid: 0, xattrs: [] };
  if (kind === 'fifo') return rawIdOf({ ...meta, kind });
  return rawIdOf({ ...meta, kind, ...splitRdev(BigInt(stat.rdev)) });
}
