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
} as const;

export type ErrorCode = keyof typeof errorCodes;
