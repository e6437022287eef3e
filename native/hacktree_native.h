/* The parts of hacktree's native addon (see module.c). */
#ifndef HACKTREE_NATIVE_H
#define HACKTREE_NATIVE_H
#define NAPI_VERSION 8
#include <node_api.h>

/*
 * The interface's version: src/platform/native/nativeAddon.ts (NATIVE_ABI) refuses an addon that
 * exports another abiVersion, as if it were absent, so that code and addon built from different
 * commits never meet. Raise both together whenever a function's arguments, results or errors
 * change.
 */
#define HACKTREE_NATIVE_ABI 3

/*
 * Every N-API call's status is checked: NAPI_OK(env, call) is true when it succeeded, else it
 * throws a JS error naming the call (unless one is pending already) and is false; NAPI_CALL
 * returns NULL (undefined, with the error thrown) from the function on failure. Where something
 * must be freed first, `if (!NAPI_OK(...)) goto fail;`.
 */
int napi_checked(napi_env env, napi_status status, const char *call);
#define NAPI_OK(env, call) napi_checked((env), (call), #call)
#define NAPI_CALL(env, call) \
  do { \
    if (!NAPI_OK(env, call)) return NULL; \
  } while (0)

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
napi_value peer_credentials(napi_env env, napi_callback_info info);
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
/*
 * [[name, Buffer], ...] of the path's xattrs (not following a final symlink), unsorted; null for
 * none. 0, an errno, or -1 when an N-API call failed (a JS error is thrown then).
 */
int xattrs_of(napi_env env, const char *path, napi_value *result);
/* An Error with code = the errno's name and message "WHAT: strerror"; NULL when it could not be made. */
napi_value errno_error(napi_env env, int err, const char *what);
/*
 * Settles a promise that cannot be resolved: rejects `deferred` with the pending JS exception, or
 * else an Error of `code` and `message` (an async work that could not be made or queued, a
 * result that could not be built). Never leaves the promise pending unless N-API itself fails.
 */
void reject_deferred(napi_env env, napi_deferred deferred, const char *code, const char *message);
#endif
