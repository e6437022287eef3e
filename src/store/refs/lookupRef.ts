import { lstatSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../../errors/errnoOf.js';
import type { Oid } from '../../model/git/oid.js';
import { parseRefFile } from '../../model/git/refFile.js';
import { describeDamagedRef, type DamagedRef } from './damagedRef.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import type { PackedRefsFile } from './packedRefsFile.js';
import type { Repository } from '../repository/repository.js';

/** A ref read from disk: its commit, truly absent, or there but unreadable. */
export type RefLookup = { state: 'found'; oid: Oid } | { state: 'absent' } | { state: 'damaged'; damaged: DamagedRef };

const MAX_SYMBOLIC_DEPTH = 5;

/**
 * Reads a ref as git does (the loose file, else packed-refs; symbolic refs followed) and says
 * which of three things it is. The only place refs are read from disk: every command that
 * reads, moves or lists refs goes through here, so none can take a damaged ref for an absent
 * one. `packed` is read only when needed.
 */
export function lookupRef(repo: Repository, ref: string, packed: () => PackedRefsFile, chain: readonly string[] = []): RefLookup {
  const path = join(repo.dir, ref);
  const damaged = (detail: string): RefLookup => ({ state: 'damaged', damaged: { ref, path, detail } });
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch (err) {
    // ENAMETOOLONG: no loose file can have that name, but packed-refs may hold it.
    if (errnoOf(err) !== 'ENOENT' && errnoOf(err) !== 'ENOTDIR' && errnoOf(err) !== 'ENAMETOOLONG') throw err;
    return lookupPacked(ref, packed());
  }
  if (stat.isDirectory()) {
    // A directory of refs (refs/heads/local/...) is not a ref itself; an empty one may be all that is left of one.
    if (holdsFiles(path) || isRefContainer(ref)) return lookupPacked(ref, packed());
    return damaged('an empty directory stands where the ref file should be');
  }
  if (stat.isSymbolicLink()) return damaged(`it is a symbolic link to ${readlinkSync(path)}; hacktree reads refs only from plain files inside the repository`);
  if (!stat.isFile()) return damaged('it is not a regular file');
  const content = parseRefFile(readFileSync(path, 'utf8'));
  if (content.kind === 'oid') return { state: 'found', oid: content.oid };
  if (content.kind === 'invalid') return damaged(content.detail);
  const followed = [...chain, ref];
  if (followed.includes(content.target) || followed.length > MAX_SYMBOLIC_DEPTH) {
    return damaged(`symbolic refs loop or nest too deep: ${[...followed, content.target].join(' -> ')}`);
  }
  const target = lookupRef(repo, content.target, packed, followed);
  if (target.state !== 'damaged') return target;
  // The innermost damage is what a person must repair; the chain only says how it was reached.
  return chain.length > 0 ? target : damaged(`it is a symbolic ref to ${content.target}, which cannot be read (${describeDamagedRef(target.damaged)})`);
}

function lookupPacked(ref: string, packed: PackedRefsFile): RefLookup {
  const oid = packed.refs.get(ref);
  if (oid !== undefined) return { state: 'found', oid };
  const bad = packed.damaged.find((d) => d.ref === ref || d.ref === null);
  if (bad === undefined) return { state: 'absent' };
  return { state: 'damaged', damaged: { ref, path: bad.path, detail: bad.ref === ref ? bad.detail : `it is not a loose ref, and ${bad.detail}` } };
}

/** Whether a directory has a file (or link, or anything but a directory) anywhere below it. */
export function holdsFiles(dir: string): boolean {
  for (const name of listDirectory(dir)) {
    if (!lstatSync(join(dir, name)).isDirectory() || holdsFiles(join(dir, name))) return true;
  }
  return false;
}

/**
 * Directories that hold refs rather than stand for one, which may stay empty when their last ref
 * goes: refs/ and its children (refs/heads, refs/tags), hacktree's namespaces (refs/hacktree/*,
 * everything under the quarantine refs/hacktree/incoming/) and the branch folders its commands
 * fill (local/, base/). Since deleteRef removes the folders it empties, as git does, any other
 * empty directory may be all that is left of a ref.
 */
export function isRefContainer(ref: string): boolean {
  const parts = ref.split('/');
  if (parts.length <= 2) return true;
  if (parts[0] !== 'refs') return false;
  if (parts[1] === 'heads') return parts.length === 3 && (parts[2] === 'local' || parts[2] === 'base');
  // A quarantine ref names nothing the repository needs yet (a pull moves no branch until it is checked).
  if (parts[1] === 'hacktree') return parts.length === 3 || parts[2] === 'incoming';
  return false;
}
