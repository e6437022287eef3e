/**
 * The top tree of every hacktree commit: the filesystem tree, the meta record beside it and,
 * when artifacts were layered in, the manifest saying which artifact provided which path.
 */
export const FILES_ENTRY = 'files';
export const META_ENTRY = 'meta';
export const MANIFEST_ENTRY = 'manifest';
/** In an imported artifact's commit: the artifact's file name, sha256 and size. */
export const ARTIFACT_ENTRY = 'artifact';
