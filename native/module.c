/*
 * hacktree's native addon: what Node does not offer or does too slowly for the store (see
 * deflate.c, readDirectory.c, readFileInto.c, prefetchFiles.c, writeRawFile.c, existAll.c,
 * linkTree.c, makeNode.c, xattrs.c and syncfs.c).
 * src/platform/native/nativeAddon.ts loads it; without it (not built, or HACKTREE_NATIVE=0) hacktree uses
 * node:zlib, node:fs, coreutils' mknod and `sync -f` instead, and is only slower.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hacktree_native.h"

napi_value throw_error(napi_env env, const char *code, const char *message) {
  napi_throw_error(env, code, message);
  return NULL;
}

int napi_checked(napi_env env, napi_status status, const char *call) {
  if (status == napi_ok) return 1;
  /* The last error's text first: any other N-API call (napi_is_exception_pending too) resets it. */
  const napi_extended_error_info *info = NULL;
  char message[256];
  snprintf(message, sizeof message, "N-API call failed (%s): %s", call,
           napi_get_last_error_info(env, &info) == napi_ok && info && info->error_message ? info->error_message : "unknown error");
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && !pending) napi_throw_error(env, "ERR_HACKTREE_NATIVE", message);
  return 0;
}

/* Throws an Error like node:fs's: code = the errno's name, `syscall`, `path`, errno in the message. */
napi_value throw_errno(napi_env env, int err, const char *syscall, const char *path) {
  const char *code = strerrorname_np(err);
  if (!code) code = "EIO";
  size_t size = strlen(code) + strlen(strerror(err)) + strlen(syscall) + strlen(path) + 16;
  char *message = malloc(size);
  napi_value error, code_value, message_value, value;
  if (!message) return throw_error(env, "ENOMEM", "out of memory");
  snprintf(message, size, "%s: %s, %s '%s'", code, strerror(err), syscall, path);
  int made = NAPI_OK(env, napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_value)) &&
             NAPI_OK(env, napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &message_value));
  free(message);
  if (!made) return NULL;
  NAPI_CALL(env, napi_create_error(env, code_value, message_value, &error));
  NAPI_CALL(env, napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &value));
  NAPI_CALL(env, napi_set_named_property(env, error, "syscall", value));
  /* A path that is not UTF-8 (a Buffer's bytes) comes out with U+FFFD, as a message must be text. */
  NAPI_CALL(env, napi_create_string_utf8(env, path, NAPI_AUTO_LENGTH, &value));
  NAPI_CALL(env, napi_set_named_property(env, error, "path", value));
  NAPI_CALL(env, napi_throw(env, error));
  return NULL;
}

napi_value errno_error(napi_env env, int err, const char *what) {
  napi_value code, message, error;
  const char *name = strerrorname_np(err);
  char text[512];
  snprintf(text, sizeof text, "%s: %s", what, strerror(err));
  if (!NAPI_OK(env, napi_create_string_utf8(env, name ? name : "EIO", NAPI_AUTO_LENGTH, &code)) ||
      !NAPI_OK(env, napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message)) ||
      !NAPI_OK(env, napi_create_error(env, code, message, &error)))
    return NULL;
  return error;
}

void reject_deferred(napi_env env, napi_deferred deferred, const char *code, const char *message) {
  napi_value reason = NULL, code_value, message_value;
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending && napi_get_and_clear_last_exception(env, &reason) == napi_ok) {
    napi_reject_deferred(env, deferred, reason);
    return;
  }
  if (napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_value) != napi_ok ||
      napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &message_value) != napi_ok ||
      napi_create_error(env, code_value, message_value, &reason) != napi_ok)
    napi_get_undefined(env, &reason);
  napi_reject_deferred(env, deferred, reason);
}

int view_bytes(napi_env env, napi_value value, void **data, size_t *length) {
  bool is_typed = false;
  napi_typedarray_type type;
  size_t count;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return 0;
  if (napi_get_typedarray_info(env, value, &type, &count, data, NULL, NULL) != napi_ok || type != napi_uint8_array) return 0;
  *length = count;
  return 1;
}

int path_arg(napi_env env, napi_value value, char *out, size_t size, size_t *length) {
  void *data;
  size_t bytes;
  if (view_bytes(env, value, &data, &bytes)) {
    if (bytes == 0 || bytes >= size || memchr(data, 0, bytes)) return 0;
    memcpy(out, data, bytes);
    out[bytes] = '\0';
    *length = bytes;
    return 1;
  }
  return napi_get_value_string_utf8(env, value, out, size, length) == napi_ok && *length > 0 && *length < size - 1;
}

static void free_scratch(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  native_scratch *scratch = data;
  free(scratch->level_buf);
  free(scratch->out);
  free(scratch);
}

NAPI_MODULE_INIT() {
  native_scratch *scratch = calloc(1, sizeof *scratch);
  if (!scratch || napi_set_instance_data(env, scratch, free_scratch, NULL) != napi_ok) {
    free(scratch);
    return throw_error(env, "ENOMEM", "could not set up hacktree's native addon");
  }
  napi_value abi;
  NAPI_CALL(env, napi_create_uint32(env, HACKTREE_NATIVE_ABI, &abi));
  napi_property_descriptor functions[] = {
    { "abiVersion", NULL, NULL, NULL, NULL, abi, napi_enumerable, NULL },
    { "deflateZlib", NULL, deflate_zlib, NULL, NULL, NULL, napi_enumerable, NULL },
    { "deflateZlibInto", NULL, deflate_zlib_into, NULL, NULL, NULL, napi_enumerable, NULL },
    { "createDeflateStream", NULL, create_deflate_stream, NULL, NULL, NULL, napi_enumerable, NULL },
    { "deflateStreamPush", NULL, deflate_stream_push, NULL, NULL, NULL, napi_enumerable, NULL },
    { "existAll", NULL, exist_all, NULL, NULL, NULL, napi_enumerable, NULL },
    { "linkTree", NULL, link_tree, NULL, NULL, NULL, napi_enumerable, NULL },
    { "makeNode", NULL, make_node, NULL, NULL, NULL, napi_enumerable, NULL },
    { "peerCredentials", NULL, peer_credentials, NULL, NULL, NULL, napi_enumerable, NULL },
    { "prefetchFiles", NULL, prefetch_files, NULL, NULL, NULL, napi_enumerable, NULL },
    { "readDirectory", NULL, read_directory, NULL, NULL, NULL, napi_enumerable, NULL },
    { "readFileInto", NULL, read_file_into, NULL, NULL, NULL, napi_enumerable, NULL },
    { "readXattrs", NULL, read_xattrs_at, NULL, NULL, NULL, napi_enumerable, NULL },
    { "syncFilesystem", NULL, sync_filesystem, NULL, NULL, NULL, napi_enumerable, NULL },
    { "syncFilesystemAsync", NULL, sync_filesystem_async, NULL, NULL, NULL, napi_enumerable, NULL },
    { "writeRawFile", NULL, write_raw_file, NULL, NULL, NULL, napi_enumerable, NULL },
    { "writeXattrs", NULL, write_xattrs_at, NULL, NULL, NULL, napi_enumerable, NULL },
  };
  NAPI_CALL(env, napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions));
  return exports;
}
