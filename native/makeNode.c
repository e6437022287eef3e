/*
 * mknod(2), which Node lacks: device nodes and fifos in the raw cache and in checkouts. Before,
 * a shell ran coreutils' mknod and mkfifo: a fork of the whole node process (~15 ms for W1's
 * /dev), which stalled the blob workers when it happened while they ran.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "hacktree_native.h"

/*
 * makeNode(path, kind, major, minor): makes a character device ('c'), block device ('b') or
 * fifo ('p') at `path`, mode 0600 (the caller sets owner and mode after); throws Errors like
 * node:fs's: EINVAL for numbers the kernel's dev_t cannot hold (major up to 4095, minor up to
 * 1048575), as glibc's mknod says.
 */
napi_value make_node(napi_env env, napi_callback_info info) {
  size_t argc = 4, length;
  napi_value argv[4];
  char path[PATH_MAX], kind[2];
  int64_t major, minor;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 ||
      !path_arg(env, argv[0], path, sizeof path, &length) ||
      napi_get_value_string_utf8(env, argv[1], kind, sizeof kind, &length) != napi_ok || length != 1 ||
      napi_get_value_int64(env, argv[2], &major) != napi_ok || napi_get_value_int64(env, argv[3], &minor) != napi_ok ||
      major < 0 || minor < 0 || major > UINT32_MAX || minor > UINT32_MAX)
    return throw_error(env, "ERR_INVALID_ARG_TYPE", "makeNode wants a path, a kind (c, b or p) and two device numbers");
  mode_t type;
  switch (kind[0]) {
    case 'c': type = S_IFCHR; break;
    case 'b': type = S_IFBLK; break;
    case 'p': type = S_IFIFO; break;
    default: return throw_error(env, "ERR_INVALID_ARG_VALUE", "makeNode's kind is c, b or p");
  }
  if (mknod(path, type | 0600, type == S_IFIFO ? 0 : makedev((unsigned)major, (unsigned)minor)) != 0)
    return throw_errno(env, errno, "mknod", path);
  return NULL;
}
