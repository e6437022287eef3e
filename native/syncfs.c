/*
 * syncfs(2), which Node has no binding for: once before a ref moves (the repository's data is
 * on disk before anything names it, as ostree does), and in the background while a big commit
 * writes (see src/store/repository/flushInBackground.ts).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "hacktree_native.h"

static int fd_argument(napi_env env, napi_callback_info info, int *fd) {
  size_t argc = 1;
  napi_value argv[1];
  return napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc == 1 && napi_get_value_int32(env, argv[0], fd) == napi_ok;
}

typedef struct {
  int fd;
  int err;
  napi_async_work work;
  napi_deferred deferred;
} sync_job;

static void sync_execute(napi_env env, void *data) {
  (void)env;
  sync_job *job = data;
  job->err = syncfs(job->fd) == 0 ? 0 : errno;
}

static void sync_complete(napi_env env, napi_status status, void *data) {
  sync_job *job = data;
  napi_value value = NULL;
  if (status == napi_ok && job->err == 0) {
    napi_get_undefined(env, &value);
    napi_resolve_deferred(env, job->deferred, value);
  } else {
    napi_value code, message;
    const char *name = job->err ? strerrorname_np(job->err) : "ECANCELED";
    napi_create_string_utf8(env, name ? name : "EIO", NAPI_AUTO_LENGTH, &code);
    napi_create_string_utf8(env, strerror(job->err ? job->err : ECANCELED), NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, code, message, &value);
    napi_reject_deferred(env, job->deferred, value);
  }
  napi_delete_async_work(env, job->work);
  free(job);
}

/* syncFilesystemAsync(fd) -> Promise: syncfs(2) on a thread of libuv's pool (fd must stay open until it settles). */
napi_value sync_filesystem_async(napi_env env, napi_callback_info info) {
  napi_value promise, name;
  sync_job *job = calloc(1, sizeof *job);
  if (!job) return throw_error(env, "ENOMEM", "out of memory");
  if (!fd_argument(env, info, &job->fd)) {
    free(job);
    return throw_error(env, "ERR_INVALID_ARG_TYPE", "syncFilesystemAsync wants a file descriptor");
  }
  napi_create_string_utf8(env, "hacktree:syncfs", NAPI_AUTO_LENGTH, &name);
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_async_work(env, NULL, name, sync_execute, sync_complete, job, &job->work) != napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    free(job);
    return throw_error(env, "EINVAL", "could not queue syncfs");
  }
  return promise;
}

/* syncFilesystem(fd): syncfs(2) of the filesystem holding fd; throws with the errno's name as code. */
napi_value sync_filesystem(napi_env env, napi_callback_info info) {
  int fd;
  if (!fd_argument(env, info, &fd)) return throw_error(env, "ERR_INVALID_ARG_TYPE", "syncFilesystem wants a file descriptor");
  if (syncfs(fd) != 0) {
    int err = errno;
    const char *name = strerrorname_np(err);
    return throw_error(env, name ? name : "EIO", strerror(err));
  }
  return NULL;
}
