/*
 * A file read whole into a caller's buffer in one call: open, read until done, close. A commit
 * reads each file it stores this way (W1: 11k files), instead of three node:fs calls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include "hacktree_native.h"

/*
 * readFileInto(path, buffer, offset, size) -> number: reads the file at `path` into
 * buffer[offset, offset + size); the bytes read, fewer than `size` when the file ends sooner,
 * size + 1 when it holds more, -1 when `path` is no regular file (then nothing is read: opened
 * with O_NONBLOCK, a fifo put in a file's place does not hang the reader). The caller decides
 * what that means. Throws Errors like node:fs's.
 */
napi_value read_file_into(napi_env env, napi_callback_info info) {
  size_t argc = 4, length, buffer_length;
  napi_value argv[4], result;
  char path[PATH_MAX];
  void *buffer;
  int64_t offset, size;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 ||
      !path_arg(env, argv[0], path, sizeof path, &length) ||
      !view_bytes(env, argv[1], &buffer, &buffer_length) || napi_get_value_int64(env, argv[2], &offset) != napi_ok ||
      napi_get_value_int64(env, argv[3], &size) != napi_ok || offset < 0 || size < 0 || (uint64_t)offset + (uint64_t)size > buffer_length)
    return throw_error(env, "ERR_INVALID_ARG_TYPE", "readFileInto wants a path, a buffer, and an offset and size within it");
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return throw_errno(env, errno, "open", path);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, err, "fstat", path);
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    NAPI_CALL(env, napi_create_int64(env, -1, &result));
    return result;
  }
  unsigned char *at = (unsigned char *)buffer + offset;
  int64_t done = 0;
  while (done < size) {
    ssize_t n = read(fd, at + done, (size_t)(size - done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      return throw_errno(env, err, "read", path);
    }
    if (n == 0) break;
    done += n;
  }
  /* One byte more, or the end: a file that grew since its size was taken is not cut short silently. */
  while (done == size) {
    unsigned char extra;
    ssize_t n = read(fd, &extra, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      return throw_errno(env, err, "read", path);
    }
    if (n > 0) done++;
    break;
  }
  close(fd);
  NAPI_CALL(env, napi_create_int64(env, done, &result));
  return result;
}
