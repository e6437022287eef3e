/* The parts of hacktree's native addon (see module.c). */
#ifndef HACKTREE_NATIVE_H
#define HACKTREE_NATIVE_H
#define NAPI_VERSION 8
#include <node_api.h>

/* Per-environment (main thread or worker) scratch memory, freed with the environment. */
typedef struct {
  unsigned char *level_buf;
  unsigned char *out;
  size_t out_cap;
} native_scratch;

napi_value deflate_zlib(napi_env env, napi_callback_info info);
napi_value deflate_zlib_into(napi_env env, napi_callback_info info);
napi_value create_deflate_stream(napi_env env, napi_callback_info info);
napi_value deflate_stream_push(napi_env env, napi_callback_info info);
napi_value read_directory(napi_env env, napi_callback_info info);
napi_value read_xattrs_at(napi_env env, napi_callback_info info);
napi_value write_xattrs_at(napi_env env, napi_callback_info info);
napi_value read_file_into(napi_env env, napi_callback_info info);
napi_value prefetch_files(napi_env env, napi_callback_info info);
napi_value write_raw_file(napi_env env, napi_callback_info info);
napi_value exist_all(napi_env env, napi_callback_info info);
napi_value link_tree(napi_env env, napi_callback_info info);
napi_value make_node(napi_env env, napi_callback_info info);
napi_value sync_filesystem(napi_env env, napi_callback_info info);
napi_value sync_filesystem_async(napi_env env, napi_callback_info info);

/* Throws a JS error and returns NULL, for `return throw_error(...)`. */
napi_value throw_error(napi_env env, const char *code, const char *message);
/* Throws an Error like node:fs's (code = the errno's name, `syscall`, `path`) and returns NULL. */
napi_value throw_errno(napi_env env, int err, const char *syscall, const char *path);
/* Reads a Buffer, Uint8Array or other typed array argument's bytes. */
int view_bytes(napi_env env, napi_value value, void **data, size_t *length);
/*
 * Reads a path argument: a string (UTF-8), or a Buffer of the path's bytes (how JavaScript passes
 * a name that is not UTF-8, see src/model/snapshot/pathBytes.ts), into out[size] with a final NUL. 0 when
 * it is neither, is empty, holds a NUL byte or does not fit.
 */
int path_arg(napi_env env, napi_value value, char *out, size_t size, size_t *length);
/* [[name, Buffer], ...] of the path's xattrs (not following a final symlink), unsorted; null for none. 0 or an errno. */
int xattrs_of(napi_env env, const char *path, napi_value *result);
#endif
