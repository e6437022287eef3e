/*
 * A file's copy in the raw object cache (src/store/raw/rawCache.ts) in one call: looked up, made
 * under a temporary name beside it, written, given its owner, mode and xattrs, and renamed into
 * place, each step relative to the raw cache directory. From JavaScript this was eight node:fs
 * calls per file (W1: 11k files), each walking the whole path again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include "hacktree_native.h"

typedef struct {
  /* One more than a longest name, so that a longer one shows as filling it. */
  char name[XATTR_NAME_MAX + 2];
  void *value;
  size_t size;
} xattr_arg;

/*
 * Reads [[name, Uint8Array], ...] into *out (allocated, as many as there are: a file may carry
 * any number, as node:fs's path writes them); the count, or -1 when it is not that shape or
 * memory ran out (*out is NULL then).
 */
static int64_t read_xattrs(napi_env env, napi_value list, xattr_arg **out) {
  bool is_array = false;
  uint32_t count;
  *out = NULL;
  if (napi_is_array(env, list, &is_array) != napi_ok || !is_array || napi_get_array_length(env, list, &count) != napi_ok ||
      !(*out = calloc(count ? count : 1, sizeof **out)))
    return -1;
  xattr_arg *xattrs = *out;
  for (uint32_t i = 0; i < count; i++) {
    napi_value pair, name, value;
    size_t length;
    if (napi_get_element(env, list, i, &pair) != napi_ok || napi_get_element(env, pair, 0, &name) != napi_ok ||
        napi_get_element(env, pair, 1, &value) != napi_ok ||
        napi_get_value_string_utf8(env, name, xattrs[i].name, sizeof xattrs[i].name, &length) != napi_ok || length == 0 ||
        length >= sizeof xattrs[i].name - 1 || !view_bytes(env, value, &xattrs[i].value, &xattrs[i].size)) {
      free(xattrs);
      *out = NULL;
      return -1;
    }
  }
  return count;
}

/* Whether `path` is FAN/NAME: two components, neither empty, "." nor "..": nothing outside rawDir. */
static int fan_and_name(const char *path) {
  const char *slash = strchr(path, '/');
  if (!slash || strchr(slash + 1, '/')) return 0;
  const char *parts[2] = { path, slash + 1 };
  size_t lengths[2] = { (size_t)(slash - path), strlen(slash + 1) };
  for (int i = 0; i < 2; i++) {
    if (lengths[i] == 0 || (lengths[i] == 1 && parts[i][0] == '.') || (lengths[i] == 2 && parts[i][0] == '.' && parts[i][1] == '.')) return 0;
  }
  return 1;
}

/* Writes all of data to fd; 0 or the errno. */
static int write_all(int fd, const unsigned char *data, size_t length) {
  while (length > 0) {
    ssize_t n = write(fd, data, length);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    data += n;
    length -= (size_t)n;
  }
  return 0;
}

/*
 * writeRawFile(rawDir, name, tmpName, data, uid, gid, mode, xattrs) -> boolean: puts `data` at
 * rawDir/name with owner uid:gid, `mode` and `xattrs` ([[name, Uint8Array], ...]), unless
 * something is there already (false: nothing written). tmpName is a fresh name in the same
 * fan-out directory; that directory is made when missing. Owner first, then mode (chown
 * clears setuid), then xattrs (chown clears security.capability), then the rename: readers see
 * the whole file or nothing. Throws Errors like node:fs's; the temporary file is gone then.
 */
static napi_value write_raw(napi_env env, napi_value *argv, const xattr_arg *xattrs, int64_t xattr_count);

napi_value write_raw_file(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  xattr_arg *xattrs;
  int64_t xattr_count;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 8 || (xattr_count = read_xattrs(env, argv[7], &xattrs)) < 0)
    return throw_error(env, "ERR_INVALID_ARG_TYPE", "writeRawFile wants a directory, two names, data, uid, gid, mode and [[name, value], ...]");
  napi_value result = write_raw(env, argv, xattrs, xattr_count);
  free(xattrs);
  return result;
}

static napi_value write_raw(napi_env env, napi_value *argv, const xattr_arg *xattrs, int64_t xattr_count) {
  size_t length, data_length;
  napi_value result;
  char dir[PATH_MAX], name[NAME_MAX * 2 + 2], tmp[NAME_MAX * 2 + 2];
  void *data;
  uint32_t uid, gid, mode;
  if (napi_get_value_string_utf8(env, argv[0], dir, sizeof dir, &length) != napi_ok || length == 0 || length >= sizeof dir - 1 ||
      napi_get_value_string_utf8(env, argv[1], name, sizeof name, &length) != napi_ok || length == 0 || length >= sizeof name - 1 ||
      napi_get_value_string_utf8(env, argv[2], tmp, sizeof tmp, &length) != napi_ok || length == 0 || length >= sizeof tmp - 1 ||
      !view_bytes(env, argv[3], &data, &data_length) || napi_get_value_uint32(env, argv[4], &uid) != napi_ok ||
      napi_get_value_uint32(env, argv[5], &gid) != napi_ok || napi_get_value_uint32(env, argv[6], &mode) != napi_ok)
    return throw_error(env, "ERR_INVALID_ARG_TYPE", "writeRawFile wants a directory, two names, data, uid, gid, mode and [[name, value], ...]");
  const char *slash = strchr(tmp, '/');
  if (!fan_and_name(tmp) || !fan_and_name(name) || strncmp(name, tmp, (size_t)(slash - tmp + 1)) != 0)
    return throw_error(env, "ERR_INVALID_ARG_VALUE", "writeRawFile's names are FAN/NAME in one fan-out directory");

  char where[sizeof dir + sizeof name + 1];
  snprintf(where, sizeof where, "%s/%s", dir, name);
  int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) return throw_errno(env, errno, "open", dir);
  if (faccessat(dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
    close(dirfd);
    NAPI_CALL(env, napi_get_boolean(env, false, &result));
    return result;
  }
  int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == ENOENT) {
    /* The fan-out directory is missing (a new cache, or `git gc` emptied it): make it once. */
    char fan[NAME_MAX + 1];
    snprintf(fan, sizeof fan, "%.*s", (int)(slash - tmp), tmp);
    if (mkdirat(dirfd, fan, 0777) != 0 && errno != EEXIST) {
      int err = errno;
      close(dirfd);
      return throw_errno(env, err, "mkdir", where);
    }
    fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  }
  if (fd < 0) {
    int err = errno;
    close(dirfd);
    return throw_errno(env, err, "open", where);
  }
  const char *failed = NULL;
  int err = write_all(fd, data, data_length);
  if (err) failed = "write";
  else if (fchown(fd, uid, gid) != 0) failed = "fchown", err = errno;
  else if (fchmod(fd, mode) != 0) failed = "fchmod", err = errno;
  for (int64_t i = 0; !failed && i < xattr_count; i++)
    if (fsetxattr(fd, xattrs[i].name, xattrs[i].value, xattrs[i].size, 0) != 0) failed = "setxattr", err = errno;
  if (close(fd) != 0 && !failed) failed = "close", err = errno;
  if (!failed && renameat(dirfd, tmp, dirfd, name) != 0) failed = "rename", err = errno;
  if (failed) {
    unlinkat(dirfd, tmp, 0);
    close(dirfd);
    return throw_errno(env, err, failed, where);
  }
  close(dirfd);
  NAPI_CALL(env, napi_get_boolean(env, true, &result));
  return result;
}
