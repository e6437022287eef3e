import { createHash } from 'node:crypto';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { isOid, type Oid } from '../git/oid.js';

/**
 * The index of a static repository (docs/static.md): which commit each root branch is at, which
 * packs each published commit needs, and each pack's size and sha256, so a client fetches only
 * the packs it lacks and checks each against the index before it indexes it. `serial` grows by
 * one at every publish: a client refuses an index older than the last it accepted (rollback).
 */
export const STATIC_INDEX_FORMAT = 'hacktree-static 1';
/** The ssh-keygen -Y namespace of the index's signature: a git commit signature cannot pass for it. */
export const STATIC_INDEX_NAMESPACE = 'hacktree-index';

/** A delta pack holds what a commit's root pack holds less what its first parent's holds. */
export type StaticPackKind = 'component' | 'root' | 'delta';

export interface StaticPack {
  kind: StaticPackKind;
  /** What it holds: the artifact or base that provided its blobs, or the root commit it completes. */
  name: string;
  /** The key publish reuses a pack by: componentKey() of its blobs, or the root commit's id. */
  key: string;
  /** Bytes of packs/<sha256>.pack.zst, which is what travels. */
  size: number;
  objects: number;
  /** The checksum git names the pack by once indexed (objects/pack/pack-<gitPack>.pack). */
  gitPack: string;
  /** The zlib pack of the same objects under objects/pack/, for git's dumb HTTP (none for a delta pack). */
  dumbPack?: string;
}

/** In place of a commit's root pack, for a client that holds `from` (its first parent). */
export interface StaticDelta {
  from: Oid;
  pack: string;
}

export interface StaticCommit {
  branch: string;
  parents: Oid[];
  /** Sha256 ids of the packs that together hold every object of the commit's snapshot. */
  packs: string[];
  /** Published where smaller than the root pack it replaces. */
  delta?: StaticDelta;
}

export interface StaticIndex {
  format: typeof STATIC_INDEX_FORMAT;
  serial: number;
  /** ISO 8601, when it was published: informative, rollback is judged by `serial`. */
  published: string;
  /**
   * ISO 8601: a client refuses the index after this (a mirror serving it unchanged forever
   * would freeze machines at old versions). Absent in indexes written before it existed: they
   * expire DEFAULT_VALID_FOR_SECONDS after `published` (indexExpiry).
   */
  expires?: string;
  /** Branch (root-NAME) -> its commit. */
  roots: Record<string, Oid>;
  commits: Record<string, StaticCommit>;
  packs: Record<string, StaticPack>;
}

const SHA256 = /^[0-9a-f]{64}$/;
const SHA1 = /^[0-9a-f]{40}$/;

/** How long an index stays valid unless `publish --valid-for` says otherwise: 7 days. */
export const DEFAULT_VALID_FOR_SECONDS = 7 * 86_400;

/** When the index expires (ms since the epoch): its `expires`, else `published` plus the default validity. */
export function indexExpiry(index: StaticIndex): number {
  return index.expires !== undefined ? Date.parse(index.expires) : Date.parse(index.published) + DEFAULT_VALID_FOR_SECONDS * 1000;
}

export function isPackId(value: string): boolean {
  return SHA256.test(value);
}

/** The identity of a component pack: its blobs, whatever the artifact is called. */
export function componentKey(blobs: Iterable<string>): string {
  const hash = createHash('sha256').update('hacktree-component 1\n');
  for (const oid of [...new Set(blobs)].sort()) hash.update(`${oid}\n`);
  return hash.digest('hex');
}

export function emptyStaticIndex(): StaticIndex {
  return { format: STATIC_INDEX_FORMAT, serial: 0, published: new Date(0).toISOString(), roots: {}, commits: {}, packs: {} };
}

export function serializeStaticIndex(index: StaticIndex): Buffer {
  return Buffer.from(`${JSON.stringify(index, null, 1)}\n`);
}

/**
 * Parses and checks an index: every field present and well-formed, every root's commit
 * described, every pack a commit names described. `where` names it in the error.
 */
export function parseStaticIndex(bytes: Buffer, where: string): StaticIndex {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw invalid(where, `it is not JSON (${(err as Error).message})`);
  }
  const index = value as StaticIndex;
  if (typeof value !== 'object' || value === null || index.format !== STATIC_INDEX_FORMAT) throw invalid(where, `its format is not "${STATIC_INDEX_FORMAT}"`);
  if (!Number.isSafeInteger(index.serial) || index.serial < 1) throw invalid(where, 'its serial is not a positive whole number');
  if (typeof index.published !== 'string' || Number.isNaN(Date.parse(index.published))) throw invalid(where, 'it has no publication time');
  if (index.expires !== undefined && (typeof index.expires !== 'string' || Number.isNaN(Date.parse(index.expires)))) throw invalid(where, 'its expiry is not a time');
  for (const field of ['roots', 'commits', 'packs'] as const) {
    if (typeof index[field] !== 'object' || index[field] === null || Array.isArray(index[field])) throw invalid(where, `"${field}" is not an object`);
  }
  for (const [id, pack] of Object.entries(index.packs)) {
    const ok = isPackId(id) && (pack.kind === 'component' || pack.kind === 'root' || pack.kind === 'delta') && typeof pack.name === 'string' && typeof pack.key === 'string'
      && Number.isSafeInteger(pack.size) && pack.size > 0 && Number.isSafeInteger(pack.objects) && SHA1.test(pack.gitPack)
      && (pack.kind === 'delta' ? pack.dumbPack === undefined : typeof pack.dumbPack === 'string' && SHA1.test(pack.dumbPack));
    if (!ok) throw invalid(where, `pack ${id} is not described correctly`);
  }
  for (const [oid, commit] of Object.entries(index.commits)) {
    if (!isOid(oid) || typeof commit.branch !== 'string' || !Array.isArray(commit.parents) || !commit.parents.every((p) => isOid(p)) || !Array.isArray(commit.packs)) {
      throw invalid(where, `commit ${oid} is not described correctly`);
    }
    const unknown = commit.packs.find((id) => index.packs[id] === undefined);
    if (unknown !== undefined) throw invalid(where, `commit ${oid} needs pack ${unknown}, which the index does not describe`);
    const delta = commit.delta;
    if (delta !== undefined && (typeof delta !== 'object' || delta === null || !isOid(delta.from) || index.packs[delta.pack]?.kind !== 'delta')) {
      throw invalid(where, `commit ${oid} names a delta that is not described correctly`);
    }
  }
  for (const [branch, oid] of Object.entries(index.roots)) {
    if (typeof oid !== 'string' || index.commits[oid] === undefined) throw invalid(where, `root ${branch} is at a commit the index does not describe`);
  }
  return index;
}

function invalid(where: string, why: string): HacktreeError {
  return new HacktreeError('STATIC_INDEX_INVALID', `${where} is not a hacktree static index: ${why}`, {
    hint: 'check the URL (it must serve the directory "hacktree publish" wrote); publish again if it is damaged',
    data: { where },
  });
}
