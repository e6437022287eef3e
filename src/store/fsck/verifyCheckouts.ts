import { lstatSync, readdirSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { isHacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { splitRdev } from '../../model/snapshot/deviceNumbers.js';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import type { FsckProblem } from '../../model/git/fsckProblem.js';
import { asOid } from '../../model/git/oid.js';
import { decodePathBytes, fsPath, quotePath } from '../../model/snapshot/pathBytes.js';
import { TOP } from '../../model/snapshot/repoPath.js';
import { hashFileAsBlob } from '../objects/hashFileAsBlob.js';
import { rawEntryPath } from '../raw/rawCache.js';
import { readSnapshot } from '../snapshot/readSnapshot.js';
import type { Repository } from '../repository/repository.js';

/** A checkout to compare with the commit it was made from (a deployment, say). */
export interface CheckoutToVerify {
  /** Where the whole tree is readable. */
  dir: string;
  commit: string;
  /**
   * When `dir` is an overlayfs view: its layers, topmost first, where each file's own inode is
   * (the topmost layer holding the path); problems are then named under the first layer.
   */
  layers?: string[];
  /** Why the tree could not be read at all (a layer that cannot be mounted, say). */
  unreadable?: string;
}

/**
 * Compares each checkout with its commit: every entry present with its type, mode and owner,
 * nothing extra, and each linked entry still the raw cache's inode (a copy: the right content).
 * A linked file edited in place damages its raw file too: `damagedRaw` (the raw pass's findings)
 * names those, so the edit is reported at the checkout's path as well.
 */
export async function verifyCheckouts(
  repo: Repository,
  checkouts: readonly CheckoutToVerify[],
  damagedRaw: readonly FsckProblem[],
): Promise<{ checked: number; problems: FsckProblem[] }> {
  const damagedInodes = new Set<string>();
  for (const problem of damagedRaw) {
    if (problem.kind !== 'raw-corrupt') continue;
    const stat = statIfExists(problem.path);
    if (stat) damagedInodes.add(`${stat.dev}:${stat.ino}`);
  }
  const problems: FsckProblem[] = [];
  for (const checkout of checkouts) {
    const shownAs = checkout.layers?.[0] ?? checkout.dir;
    const drift = (path: string, detail: string) =>
      problems.push({ kind: 'checkout-drift', path: shownAs + path.slice(checkout.dir.length), oid: checkout.commit, detail });
    if (checkout.unreadable !== undefined) {
      drift(checkout.dir, `cannot be verified: ${checkout.unreadable}`);
      continue;
    }
    let entries: FsEntry[];
    try {
      entries = (await readSnapshot(repo, asOid(checkout.commit))).entries;
    } catch (err) {
      // The object passes report the damaged commit itself.
      if (!isHacktreeError(err)) throw err;
      drift(checkout.dir, `cannot be verified: ${err.message}`);
      continue;
    }
    const pathOf = (entry: FsEntry) => (entry.path === TOP ? checkout.dir : `${checkout.dir}/${entry.path}`);
    const expected = new Set(entries.map(pathOf));
    for (const entry of entries) {
      const path = pathOf(entry);
      const stat = statIfExists(path, true);
      if (stat === null) {
        drift(path, `missing (the commit has a ${entry.kind})`);
        continue;
      }
      checkEntry(repo, entry, path, stat, realStat(checkout, entry, stat), damagedInodes, drift);
      if (entry.kind !== 'dir' || !stat.isDirectory()) continue;
      for (const bytes of readdirSync(fsPath(path), { encoding: 'buffer' })) {
        const name = decodePathBytes(bytes);
        if (!expected.has(`${path}/${name}`)) drift(`${path}/${name}`, 'not in the commit');
      }
    }
  }
  return { checked: checkouts.length, problems };
}

const KIND_OF_STAT: Array<[(s: Stats) => boolean, FsEntry['kind']]> = [
  [(s) => s.isDirectory(), 'dir'],
  [(s) => s.isFile(), 'file'],
  [(s) => s.isSymbolicLink(), 'symlink'],
  [(s) => s.isCharacterDevice(), 'chardev'],
  [(s) => s.isBlockDevice(), 'blockdev'],
  [(s) => s.isFIFO(), 'fifo'],
];

/** The entry's own file: in an overlayfs view, the topmost layer's (the view reports another device). */
function realStat(checkout: CheckoutToVerify, entry: FsEntry, stat: Stats): Stats {
  if (checkout.layers === undefined || entry.kind === 'dir') return stat;
  for (const layer of checkout.layers) {
    const found = statIfExists(`${layer}/${entry.path}`, true);
    if (found !== null) return found;
  }
  return stat;
}

function checkEntry(
  repo: Repository,
  entry: FsEntry,
  path: string,
  stat: Stats,
  real: Stats,
  damagedInodes: ReadonlySet<string>,
  drift: (path: string, detail: string) => void,
): void {
  const kind = KIND_OF_STAT.find(([test]) => test(stat))?.[1] ?? 'unknown';
  if (kind !== entry.kind) return drift(path, `is a ${kind}, the commit has a ${entry.kind}`);
  if (entry.kind !== 'symlink' && (stat.mode & 0o7777) !== entry.mode) {
    drift(path, `mode ${(stat.mode & 0o7777).toString(8)}, the commit has ${entry.mode.toString(8)}`);
  }
  if (stat.uid !== entry.uid || stat.gid !== entry.gid) drift(path, `owner ${stat.uid}:${stat.gid}, the commit has ${entry.uid}:${entry.gid}`);
  if (entry.kind === 'dir') return;
  if (damagedInodes.has(`${real.dev}:${real.ino}`)) return drift(path, 'edited in place: its content no longer matches the commit (its raw cache file is damaged too)');
  const raw = statIfExists(rawEntryPath(repo, entry), true);
  if (raw !== null && raw.dev === real.dev && raw.ino === real.ino) return;
  // A copy (another filesystem, too many links, or a repaired raw cache): compare contents.
  if (entry.kind === 'file') {
    if (stat.size !== entry.size || hashFileAsBlob(path) !== entry.oid) drift(path, 'content differs from the commit');
  } else if (entry.kind === 'symlink') {
    const target = decodePathBytes(readlinkSync(fsPath(path), { encoding: 'buffer' }));
    if (target !== entry.target) drift(path, `points to ${quotePath(target)}, the commit has ${quotePath(entry.target)}`);
  } else if (entry.kind === 'chardev' || entry.kind === 'blockdev') {
    const { major, minor } = splitRdev(BigInt(stat.rdev));
    if (major !== entry.major || minor !== entry.minor) drift(path, `device ${major},${minor}, the commit has ${entry.major},${entry.minor}`);
  }
}

function statIfExists(path: string, noFollow = false): Stats | null {
  try {
    return noFollow ? lstatSync(fsPath(path)) : statSync(fsPath(path));
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return null;
    throw err;
  }
}
