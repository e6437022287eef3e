/**
 * Every error code hacktree can emit, with the exit status it maps to.
 * Codes are stable: never renumber, rename or reuse one; add new ones at the end.
 */
export const errorCodes = {
  USAGE: 2,
  NOT_A_REPO: 3,
  REPO_EXISTS: 3,
  REPO_BUSY: 75,
  REF_NOT_FOUND: 4,
  PATH_NOT_FOUND: 4,
  OBJECT_MISSING: 5,
  OBJECT_CORRUPT: 5,
  UNSAFE_PATH: 6,
  TAR_INVALID: 6,
  ARTIFACT_NAME_INVALID: 6,
  META_INVALID: 6,
  TREE_CONFLICT: 7,
  UNSUPPORTED_FILE_TYPE: 6,
  SOURCE_NOT_FOUND: 4,
  DEST_NOT_EMPTY: 8,
  NO_SPACE: 9,
  ROOT_NAME_INVALID: 6,
  ROOT_DEFINITION_INVALID: 6,
  ARTIFACT_NOT_FOUND: 4,
  EXTERNAL_COMMAND_FAILED: 10,
  FSCK_FAILED: 11,
  NOT_A_FILE: 6,
  SOURCE_CHANGED: 12,
  NOT_PERMITTED: 13,
  PREFIX_INVALID: 6,
  PATH_OCCUPIED: 8,
  NOT_DEPLOYED: 4,
  CONFIG_SCRIPT_FAILED: 14,
  CONFIG_SCRIPT_INVALID: 6,
  ARTIFACT_ROOT_MISMATCH: 6,
  // the builder (recipes, sources, sandbox, build cache)
  WORKSPACE_INVALID: 3,
  RECIPE_SYNTAX: 6,
  RECIPE_UNSUPPORTED: 6,
  RECIPE_INVALID: 6,
  RECIPE_NOT_FOUND: 4,
  DEPENDENCY_CYCLE: 6,
  DEPENDENCY_MISSING: 4,
  FETCH_FAILED: 15,
  CHECKSUM_MISSING: 6,
  CHECKSUM_MISMATCH: 16,
  LICENSE_CHECKSUM_MISMATCH: 16,
  PATCH_FAILED: 17,
  BUILD_FAILED: 18,
  SANDBOX_FAILED: 19,
  BASE_ROOT_MISSING: 4,
  CACHE_FAILED: 15,
  // remotes
  REMOTE_NOT_FOUND: 4,
  REMOTE_EXISTS: 8,
  REMOTE_FAILED: 15,
  AUTH_FAILED: 13,
  SIGNATURE_INVALID: 20,
  PACK_INVALID: 5,
  // refs
  REF_DAMAGED: 5,
  REF_NAME_INVALID: 6,
  RAW_CACHE_DAMAGED: 5,
  // names and paths
  NAME_TOO_LONG: 6,
  // what the kernel or filesystem cannot hold, and damage to hacktree's own files
  OWNER_UNSUPPORTED: 6,
  XATTR_INVALID: 6,
  REPO_DAMAGED: 5,
  REPO_UNREADABLE: 5,
  // a JSON record of truth hacktree wrote and reads back (build record, deployment state, artifact record)
  RECORD_DAMAGED: 5,
  // licenses
  LICENSE_INVALID: 6,
  LICENSE_REFUSED: 6,
  // the daemon (hacktree daemon, and the CLI speaking to it)
  DAEMON_REFUSED: 13,
  DAEMON_REQUEST_INVALID: 6,
  DAEMON_UNAVAILABLE: 21,
  // architectures
  ARCH_UNSUPPORTED: 6,
  // static repositories (hacktree publish, pull from a static remote)
  STATIC_INDEX_INVALID: 5,
  STATIC_INDEX_ROLLBACK: 20,
  STATIC_PACK_MISMATCH: 5,
  STATIC_PACK_MISSING: 15,
  // upgrade policies (root upgrade --due, the daemon's timer)
  UPGRADE_FAILED: 15,
  // cross-building (aarch64 on x86_64)
  CROSS_TOOLCHAIN_MISSING: 4,
  CROSS_COMPILE_UNSUPPORTED: 18,
  // static repositories: an index past its expiry (a mirror frozen at an old index)
  STATIC_INDEX_EXPIRED: 20,
  // a pulled pack holds another object under an id the repository has (SHA-1 collision check)
  PACK_OBJECT_COLLISION: 5,
} as const;

export type ErrorCode = keyof typeof errorCodes;
