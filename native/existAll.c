/*
 * Which of many paths under one directory exist, in one call: a second commit of an unchanged
 * tree checks that the raw file of every file its stat cache knows is still there (11k in W1),
 * and existsSync of each absolute path took ~44 ms, mostly the kernel walking the same leading
 * directories again; here each lookup starts at the directory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "hacktree_native.h"

/* existAll(dir, names) -> Uint8Array: 1 where dir/names[i] exists (not following a final symlink), else 0. */
napi_value exist_all(napi_env env, napi_callback_info info) {
  size_t argc = 2, length;
  napi_value argv[2], result, buffer;
  uint32_t count;
  bool is_array = false;
  char dir[PATH_MAX], name[PATH_MAX];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      napi_get_value_string_utf8(env, argv[0], dir, sizeof dir, &length) != napi_ok || length >= sizeof dir - 1 ||
      napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array || napi_get_array_length(env, argv[1], &count) != napi_ok)
    return throw_error(env, "ERR_INVALID_ARG_TYPE", "existAll wants a directory and an array of names");
  unsigned char *flags;
  if (napi_create_arraybuffer(env, count, (void **)&flags, &buffer) != napi_ok ||
      napi_create_typedarray(env, napi_uint8_array, count, buffer, 0, &result) != napi_ok)
    return throw_error(env, "ENOMEM", "out of memory");
  int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    flags[i] = 0;
    if (napi_get_element(env, argv[1], i, &element) != napi_ok ||
        napi_get_value_string_utf8(env, element, name, sizeof name, &length) != napi_ok || length >= sizeof name - 1) {
      if (dirfd >= 0) close(dirfd);
      return throw_error(env, "ERR_INVALID_ARG_TYPE", "existAll wants names as strings");
    }
    /* No directory: nothing under it exists. */
    flags[i] = dirfd >= 0 && faccessat(dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
  }
  if (dirfd >= 0) close(dirfd);
  return result;
}
