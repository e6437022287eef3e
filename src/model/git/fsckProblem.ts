/** What `hacktree fsck` can find wrong. */
export type FsckProblemKind =
  /** A loose object that does not inflate, has a bad header, or hashes to another id. */
  | 'object-corrupt'
  /** An object a ref reaches that is neither loose nor packed. */
  | 'object-missing'
  /** A commit's tree that is not a valid snapshot (meta record unparsable, files/ disagreeing with it). */
  | 'snapshot-invalid'
  /** A snapshot's derived entry cache (hacktree/statcache/entries) that disagrees with its objects. */
  | 'entry-cache-invalid'
  /** A pack that `git verify-pack` rejects (or that could not be verified). */
  | 'pack-invalid'
  /** A raw cache file whose content does not hash to the id in its name. */
  | 'raw-corrupt'
  /** A raw cache file whose mode, owner or xattrs differ from the key in its name. */
  | 'raw-metadata'
  /** A file of a ref's snapshot with no raw cache object. */
  | 'raw-missing'
  /** Something in the raw cache that is not a raw object. */
  | 'raw-unexpected'
  /** A deployed checkout that no longer matches its commit (missing, extra, re-moded or edited entries). */
  | 'checkout-drift'
  /** A ref that exists but cannot be read (empty, garbage, a link, an empty directory, a bad packed-refs line): prune refuses while there is one. */
  | 'ref-damaged';

export interface FsckProblem {
  kind: FsckProblemKind;
  /** The file on disk concerned (the expected path when it is missing). */
  path: string;
  oid?: string;
  detail: string;
  /** Set by --repair: what was done. */
  repaired?: string;
}
