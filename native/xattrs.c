/*
 * Extended attributes of one path, read or written, for paths that node cannot name: a name that
 * is not UTF-8 reaches here as a Buffer of its bytes (src/platform/fs/readXattrs.ts; @napi-rs/xattr
 * takes strings only, which node would turn into other bytes). readDirectory.c reads every
 * entry's xattrs with xattrs_of too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include "hacktree_native.h"

/* Reads a whole xattr list or value by its size-query-then-read protocol, retrying on a race. */
typedef ssize_t (*sized_read)(const char *path, const char *name, void *buf, size_t size);
static ssize_t list_names(const char *path, const char *name, void *buf, size_t size) {
  (void)name;
  return llistxattr(path, buf, size);
}
static ssize_t get_value(const char *path, const char *name, void *buf, size_t size) {
  return lgetxattr(path, name, buf, size);
}
static ssize_t read_sized(sized_read read, const char *path, const char *name, char **out) {
  for (int attempt = 0; attempt < 8; attempt++) {
    ssize_t size = read(path, name, NULL, 0);
    if (size <= 0) return size;
    char *buf = malloc((size_t)size);
    if (!buf) {
      errno = ENOMEM;
      return -1;
    }
    ssize_t got = read(path, name, buf, (size_t)size);
    if (got >= 0) {
      *out = buf;
      return got;
    }
    free(buf);
    if (errno != ERANGE) return -1;
  }
  errno = ERANGE;
  return -1;
}

/*
 * [[name, Buffer], ...] of the path's xattrs (not following a final symlink), unsorted; null for
 * none. 0, an errno, or -1 when an N-API call failed (thrown).
 */
int xattrs_of(napi_env env, const char *path, napi_value *result) {
  char *names = NULL;
  ssize_t length = read_sized(list_names, path, NULL, &names);
  if (length < 0 && (errno == ENOTSUP || errno == ENODATA)) length = 0;
  if (length < 0) return errno;
  /* The list can have shrunk to nothing between the size query and the read: names is set then too. */
  if (length == 0) {
    free(names);
    return NAPI_OK(env, napi_get_null(env, result)) ? 0 : -1;
  }
  if (!NAPI_OK(env, napi_create_array(env, result))) {
    free(names);
    return -1;
  }
  uint32_t count = 0;
  for (char *name = names; name < names + length; name += strlen(name) + 1) {
    char *value = NULL;
    ssize_t size = read_sized(get_value, path, name, &value);
    if (size < 0 && errno == ENODATA) continue; /* removed since the list was read */
    if (size < 0) {
      int err = errno;
      free(names);
      return err;
    }
    napi_value pair, name_value, value_buffer;
    int made = NAPI_OK(env, napi_create_array_with_length(env, 2, &pair)) &&
               NAPI_OK(env, napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &name_value)) &&
               NAPI_OK(env, napi_create_buffer_copy(env, (size_t)size, size > 0 ? value : "", NULL, &value_buffer)) &&
               NAPI_OK(env, napi_set_element(env, pair, 0, name_value)) && NAPI_OK(env, napi_set_element(env, pair, 1, value_buffer)) &&
               NAPI_OK(env, napi_set_element(env, *result, count++, pair));
    free(value);
    if (!made) {
      free(names);
      return -1;
    }
  }
  free(names);
  return 0;
}

/* readXattrs(path) -> [[name, Buffer], ...]: the path's xattrs (not following a final symlink), unsorted. */
napi_value read_xattrs_at(napi_env env, napi_callback_info info) {
  size_t argc = 1, length;
  napi_value argv[1], result, empty;
  char path[PATH_MAX];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || !path_arg(env, argv[0], path, sizeof path, &length))
    return throw_error(env, "ERR_INVALID_ARG_TYPE", "readXattrs wants a path (a string or a Buffer)");
  int err = xattrs_of(env, path, &result);
  if (err < 0) return NULL;
  if (err != 0) return throw_errno(env, err, "llistxattr", path);
  napi_valuetype type;
  NAPI_CALL(env, napi_typeof(env, result, &type));
  if (type != napi_null) return result;
  NAPI_CALL(env, napi_create_array(env, &empty));
  return empty;
}

/* writeXattrs(path, [[name, Uint8Array], ...]): sets each (not following a final symlink); throws Errors like node:fs's. */
napi_value write_xattrs_at(napi_env env, napi_callback_info info) {
  size_t argc = 2, length;
  napi_value argv[2];
  char path[PATH_MAX];
  bool is_array = false;
  uint32_t count;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 || !path_arg(env, argv[0], path, sizeof path, &length) ||
      napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array || napi_get_array_length(env, argv[1], &count) != napi_ok)
    return throw_error(env, "ERR_INVALID_ARG_TYPE", "writeXattrs wants a path and [[name, value], ...]");
  for (uint32_t i = 0; i < count; i++) {
    napi_value pair, name_value, value_value;
    char name[XATTR_NAME_MAX + 2]; /* one more than a longest name, so a longer one shows as filling it */
    size_t name_length, value_length;
    void *value;
    if (napi_get_element(env, argv[1], i, &pair) != napi_ok || napi_get_element(env, pair, 0, &name_value) != napi_ok ||
        napi_get_element(env, pair, 1, &value_value) != napi_ok ||
        napi_get_value_string_utf8(env, name_value, name, sizeof name, &name_length) != napi_ok || name_length == 0 ||
        name_length >= sizeof name - 1 || !view_bytes(env, value_value, &value, &value_length))
      return throw_error(env, "ERR_INVALID_ARG_TYPE", "writeXattrs wants [[name, Uint8Array], ...]");
    if (lsetxattr(path, name, value_length > 0 ? value : "", value_length, 0) != 0) return throw_errno(env, errno, "lsetxattr", path);
  }
  return NULL;
}
