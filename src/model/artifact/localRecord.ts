import { isOid, type Oid } from '../git/oid.js';

/**
 * What a commit on a local branch records in its message, so `root update` can apply the same
 * local artifacts to a new master: the master commit it was built on and every local artifact
 * in effect (imported, so its tree is under refs/hacktree/artifacts/<sha256>), in the order they
 * are applied.
 *
 *   hacktree-local-base: <master commit>
 *   hacktree-local-artifact: <sha256> <file name>
 */
export interface LocalRecord {
  base: Oid;
  artifacts: LocalArtifactRecord[];
}

export interface LocalArtifactRecord {
  sha256: string;
  fileName: string;
}

const BASE = 'hacktree-local-base: ';
const ARTIFACT = 'hacktree-local-artifact: ';

export function formatLocalRecord(record: LocalRecord): string {
  return [`${BASE}${record.base}`, ...record.artifacts.map((a) => `${ARTIFACT}${a.sha256} ${a.fileName}`)].join('\n') + '\n';
}

/** The record in a commit message, or null when the message has none (a master or config commit). */
export function parseLocalRecord(message: string): LocalRecord | null {
  let base: Oid | null = null;
  const artifacts: LocalArtifactRecord[] = [];
  for (const line of message.split('\n')) {
    if (line.startsWith(BASE)) {
      const oid = line.slice(BASE.length).trim();
      if (isOid(oid)) base = oid;
    }
    if (line.startsWith(ARTIFACT)) {
      const m = /^([0-9a-f]{64}) (\S+)$/.exec(line.slice(ARTIFACT.length).trim());
      if (m) artifacts.push({ sha256: m[1]!, fileName: m[2]! });
    }
  }
  return base === null ? null : { base, artifacts };
}

/**
 * The local artifacts after installing `added`: one per component (NAME-KIND), a newer install
 * of a component replacing the older in place; new components at the end.
 */
export function mergeLocalArtifacts(
  current: readonly LocalArtifactRecord[],
  added: readonly LocalArtifactRecord[],
  componentOf: (fileName: string) => string,
): LocalArtifactRecord[] {
  const out = [...current];
  for (const a of added) {
    const i = out.findIndex((c) => componentOf(c.fileName) === componentOf(a.fileName));
    if (i >= 0) out[i] = a;
    else out.push(a);
  }
  return out;
}
