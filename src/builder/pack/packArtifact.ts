import { mkdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { ARTIFACT_KINDS, formatArtifactName, type ArtifactKind } from '../../model/artifact/artifactName.js';
import { parentOf, TOP, type RepoPath } from '../../model/snapshot/repoPath.js';
import { splitOf } from '../../model/artifact/splitRule.js';
import { parseArchOption } from '../../model/root/arch.js';
import { scanDirectory, type ScannedEntry } from '../../store/snapshot/scanDirectory.js';
import { writeTarball, type TarMemberSource } from './writeTarball.js';

export interface PackArtifactOptions {
  /** The `make install DESTDIR=` tree to pack. */
  destdir: string;
  name: string;
  version: string;
  /** The root the artifact was compiled against, e.g. 3.2-opt-x86_64. */
  root: string;
  flavor: 'opt' | 'debug';
  /** Default master. */
  origin?: 'master' | 'local';
  /** a=: a canonical arch or an alias of one (ia32 is written a=i686); default none. */
  arch?: string;
  /** More name keys, e.g. a build's `id=`; they cannot replace o, r, b, v or a. */
  extraKeys?: Record<string, string>;
  /** Where the two tarballs go; created if missing; must not lie inside destdir. */
  outDir: string;
  /** Every member's mtime, in seconds; default $SOURCE_DATE_EPOCH, else 0. */
  mtime?: number;
  /**
   * The owner that stands for root in DESTDIR: a build in an unprivileged sandbox (a user
   * namespace mapping only the caller to root) installs as the caller. Its files are packed 0:0,
   * as a build run by root would pack them.
   */
  rootOwner?: { uid: number; gid: number };
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface PackedArtifact {
  path: string;
  fileName: string;
  sha256: string;
  /** Members in the tarball, "." and hardlinks included. */
  entries: number;
}

/**
 * Packs a DESTDIR into its -runtime and -devel artifacts. Both are always written, so an
 * artifact's pair is complete even when one side holds only directories. The tarballs depend
 * only on the tree's content and metadata (not on creation order or timestamps).
 */
export async function packArtifact(options: PackArtifactOptions): Promise<Record<ArtifactKind, PackedArtifact>> {
  checkChoice('flavor', options.flavor, ['opt', 'debug']);
  const origin = options.origin ?? 'master';
  checkChoice('origin', origin, ['master', 'local']);
  const mtime = resolveMtime(options.mtime);
  const keys: Record<string, string> = { ...options.extraKeys, o: origin, r: options.root, b: options.flavor, v: options.version };
  if (options.arch !== undefined) keys.a = parseArchOption([options.arch])[0]!;
  const fileNames = {
    runtime: formatArtifactName({ name: options.name, kind: 'runtime', keys }),
    devel: formatArtifactName({ name: options.name, kind: 'devel', keys }),
  };
  const destdir = checkDestdir(options.destdir);
  checkOutsideDestdir(destdir, realPathToBe(options.outDir));
  mkdirSync(options.outDir, { recursive: true });

  const owner = options.rootOwner;
  const entries = owner === undefined ? scanDirectory(destdir) : scanDirectory(destdir).map((entry) => ({
    ...entry,
    uid: entry.uid === owner.uid ? 0 : entry.uid,
    gid: entry.gid === owner.gid ? 0 : entry.gid,
  }));
  options.onProgress?.('scan', entries.length, entries.length);
  const members = splitMembers(entries);
  const packed = {} as Record<ArtifactKind, PackedArtifact>;
  for (const kind of ARTIFACT_KINDS) {
    const list = members[kind];
    const phase = `pack ${kind}`;
    const written = await writeTarball(join(options.outDir, fileNames[kind]), reportingEach(list, (done) => {
      options.onProgress?.(phase, done, list.length);
    }), { mtime });
    packed[kind] = { path: written.path, fileName: fileNames[kind], sha256: written.sha256, entries: list.length };
  }
  return packed;
}

/**
 * Each split gets its own entries, every ancestor directory of them and ".". A directory with
 * nothing under it goes where splitOf sends it. Within one tarball, the first path (in sorted
 * order) of a multiply-linked file carries the content and later paths are hardlinks to it,
 * so a split never points at a path that only the other split holds.
 */
function splitMembers(entries: readonly ScannedEntry[]): Record<ArtifactKind, TarMemberSource[]> {
  const parents = new Set<RepoPath>();
  for (const entry of entries) if (entry.path !== TOP) parents.add(parentOf(entry.path));
  const chosen: Record<ArtifactKind, Set<RepoPath>> = { runtime: new Set([TOP]), devel: new Set([TOP]) };
  for (const entry of entries) {
    if (entry.kind === 'dir' && parents.has(entry.path)) continue;
    const set = chosen[splitOf(entry.path, entry.kind)];
    // A path already in the set brought its ancestors along, so the climb can stop there.
    for (let path = entry.path; !set.has(path); path = parentOf(path)) set.add(path);
  }
  const out = { runtime: [], devel: [] } as Record<ArtifactKind, TarMemberSource[]>;
  for (const kind of ARTIFACT_KINDS) {
    const firstPathOfInode = new Map<string, RepoPath>();
    for (const entry of entries) {
      if (!chosen[kind].has(entry.path)) continue;
      if (entry.kind === 'file' && entry.nlink > 1) {
        const inode = entry.identity;
        const first = firstPathOfInode.get(inode);
        if (first !== undefined) {
          out[kind].push({ kind: 'hardlink', path: entry.path, target: first });
          continue;
        }
        firstPathOfInode.set(inode, entry.path);
      }
      out[kind].push(toMember(entry));
    }
  }
  return out;
}

/** The member without the scanner's stat facts; files name their content by absolute path. */
function toMember(entry: ScannedEntry): TarMemberSource {
  const base = { path: entry.path, mode: entry.mode, uid: entry.uid, gid: entry.gid, xattrs: entry.xattrs };
  switch (entry.kind) {
    case 'file': return { ...base, kind: 'file', size: entry.size, source: entry.absPath };
    case 'symlink': return { ...base, kind: 'symlink', target: entry.target };
    case 'chardev':
    case 'blockdev': return { ...base, kind: entry.kind, major: entry.major, minor: entry.minor };
    case 'dir':
    case 'fifo': return { ...base, kind: entry.kind };
  }
}

/** Re-iterable (a fresh walk per iterator) and reports how many members were handed out. */
function reportingEach<T>(items: readonly T[], report: (done: number) => void): Iterable<T> {
  return {
    *[Symbol.iterator]() {
      let done = 0;
      for (const item of items) {
        yield item;
        report(++done);
      }
    },
  };
}

function resolveMtime(explicit: number | undefined): number {
  if (explicit !== undefined) {
    if (!Number.isSafeInteger(explicit) || explicit < 0) {
      throw new HacktreeError('USAGE', `mtime ${explicit} is not a whole number of seconds since 1970`, {
        hint: 'give a non-negative integer', data: { mtime: explicit },
      });
    }
    return explicit;
  }
  const env = process.env.SOURCE_DATE_EPOCH;
  if (env === undefined || env === '') return 0;
  if (!/^\d+$/.test(env) || !Number.isSafeInteger(Number(env))) {
    throw new HacktreeError('USAGE', `SOURCE_DATE_EPOCH=${JSON.stringify(env)} is not a whole number of seconds`, {
      hint: 'set SOURCE_DATE_EPOCH to a Unix timestamp such as 1700000000, or unset it for 0',
      data: { SOURCE_DATE_EPOCH: env },
    });
  }
  return Number(env);
}

function checkChoice(what: string, value: string, allowed: readonly string[]): void {
  if (!allowed.includes(value)) {
    throw new HacktreeError('USAGE', `${what} '${value}' is not one of ${allowed.join(', ')}`, {
      hint: `pass --${what} ${allowed.join('|')}`, data: { [what]: value },
    });
  }
}

/** The real path of destdir, which must be an existing directory. */
function checkDestdir(destdir: string): string {
  const hint = 'give the directory that "make install DESTDIR=…" filled';
  let isDirectory: boolean;
  try {
    isDirectory = statSync(destdir).isDirectory();
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT' && errnoOf(err) !== 'ENOTDIR') throw err;
    throw new HacktreeError('SOURCE_NOT_FOUND', `DESTDIR ${destdir} does not exist`, { hint, data: { destdir }, cause: err });
  }
  if (!isDirectory) {
    throw new HacktreeError('SOURCE_NOT_FOUND', `DESTDIR ${destdir} is not a directory`, { hint, data: { destdir } });
  }
  return realpathSync(destdir);
}

/** The real path a directory has, or will have once created (symlinks in its existing part resolved). */
function realPathToBe(dir: string): string {
  const missing: string[] = [];
  for (let existing = resolve(dir); ; existing = dirname(existing)) {
    try {
      return join(realpathSync(existing), ...missing);
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT' || dirname(existing) === existing) throw err;
      missing.unshift(basename(existing));
    }
  }
}

// Tarballs written into the tree would be packed by the next run, which then differs.
function checkOutsideDestdir(destdir: string, outDir: string): void {
  const rel = relative(destdir, outDir);
  if (rel === '' || (rel !== '..' && !rel.startsWith('../') && !isAbsolute(rel))) {
    throw new HacktreeError('USAGE', `output directory ${outDir} lies inside DESTDIR ${destdir}`, {
      hint: 'write the artifacts somewhere outside the tree being packed', data: { destdir, outDir },
    });
  }
}
