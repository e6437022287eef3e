import { join } from 'node:path';
import type { FsckProblem } from '../../model/git/fsckProblem.js';
import type { Oid } from '../../model/git/oid.js';
import { hashLooseObjectFile } from '../objects/hashLooseObjectFile.js';
import { listFanOut } from '../../platform/fs/listFanOut.js';
import type { Repository } from '../repository/repository.js';
import type { ProgressCallback } from '../blobs/storeFilesInParallel.js';

const LOOSE_NAME = /^[0-9a-f]{38}$/;

export interface LooseObjectsReport {
  checked: number;
  problems: FsckProblem[];
  /** Ids whose loose file is corrupt, so later passes do not report them twice. */
  corrupt: Set<Oid>;
  /** The size of each sound loose blob, which the meta records' sizes are checked against. */
  blobSizes: Map<Oid, number>;
}

/** Re-hashes every loose object and reports those that do not match their name. */
export async function verifyLooseObjects(repo: Repository, onProgress?: ProgressCallback): Promise<LooseObjectsReport> {
  const report: LooseObjectsReport = { checked: 0, problems: [], corrupt: new Set(), blobSizes: new Map() };
  for await (const { fan, names } of listFanOut(repo.objectsDir)) {
    // git's own leftovers (tmp_obj_*) are not objects; they are git's to clean up.
    for (const name of names.filter((n) => LOOSE_NAME.test(n))) {
      const oid = `${fan}${name}` as Oid;
      const path = join(repo.objectsDir, fan, name);
      const check = await hashLooseObjectFile(path);
      const why = !check.ok ? check.why : check.oid !== oid ? `its content hashes to ${check.oid}` : undefined;
      if (why !== undefined) {
        report.corrupt.add(oid);
        report.problems.push({ kind: 'object-corrupt', path, oid, detail: `loose object ${oid} is corrupt: ${why}` });
      } else if (check.ok && check.type === 'blob') {
        report.blobSizes.set(oid, check.size);
      }
      if (++report.checked % 1024 === 0) onProgress?.('checking objects', report.checked, 0);
    }
  }
  onProgress?.('checking objects', report.checked, 0);
  report.problems.sort((a, b) => (a.path < b.path ? -1 : 1));
  return report;
}
