/*
 * Asks the kernel to start reading files into the page cache (posix_fadvise WILLNEED) before a
 * blob worker reads them: a commit's source tree is often partly out of the page cache (these
 * machines page out what was not touched for a minute), and two workers blocked on reads left
 * the CPUs idle (W1 with a cold cache: ~1 s more).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/uio.h>
#include <unistd.h>
#include "hacktree_native.h"

/* prefetchFiles(paths): starts reading each file (errors ignored: the read that follows reports them). */
napi_value prefetch_files(napi_env env, napi_callback_info info) {
  size_t argc = 1, length;
  napi_value argv[1];
  bool is_array = false;
  uint32_t count;
  char path[PATH_MAX];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_is_array(env, argv[0], &is_array) != napi_ok ||
      !is_array || napi_get_array_length(env, argv[0], &count) != napi_ok)
    return throw_error(env, "ERR_INVALID_ARG_TYPE", "prefetchFiles wants an array of paths");
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    if (napi_get_element(env, argv[0], i, &element) != napi_ok ||
        !path_arg(env, element, path, sizeof path, &length))
      return throw_error(env, "ERR_INVALID_ARG_TYPE", "prefetchFiles wants paths as strings or Buffers");
    /* O_NONBLOCK: a file swapped for a fifo since the scan must not stop this thread. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOATIME);
    if (fd < 0) fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* O_NOATIME needs the file's owner or CAP_FOWNER */
    if (fd < 0) continue;
    /* Only where the first page would have to be read: asking for a file already in the cache
       still walks its pages (+0.18 CPU-s for W1 when all of it was cached). */
    char byte;
    struct iovec one = { &byte, 1 };
    if (preadv2(fd, &one, 1, 0, RWF_NOWAIT) < 0 && errno == EAGAIN) posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED);
    close(fd);
  }
  return NULL;
}
