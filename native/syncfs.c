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
    if (!NAPI_OK(env, napi_get_undefined(env, &value)) || !NAPI_OK(env, napi_resolve_deferred(env, job->deferred, value)))
      reject_deferred(env, job->deferred, "ERR_HACKTREE_NATIVE", "syncfs: could not resolve");
  } else {
    int err = job->err ? job->err : ECANCELED;
    value = errno_error(env, err, "syncfs");
    if (!value || !NAPI_OK(env, napi_reject_deferred(env, job->deferred, value))) reject_deferred(env, job->deferred, "EIO", "syncfs failed");
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
  if (!NAPI_OK(env, napi_create_promise(env, &job->deferred, &promise))) {
    free(job);
    return NULL;
  }
  /* From here on the promise is returned, and rejected when the work cannot be made or queued. */
  if (!NAPI_OK(env, napi_create_string_utf8(env, "hacktree:syncfs", NAPI_AUTO_LENGTH, &name)) ||
      !NAPI_OK(env, napi_create_async_work(env, NULL, name, sync_execute, sync_complete, job, &job->work))) {
    reject_deferred(env, job->deferred, "ERR_HACKTREE_NATIVE", "could not make syncfs's work");
    free(job);
  } else if (!NAPI_OK(env, napi_queue_async_work(env, job->work))) {
    reject_deferred(env, job->deferred, "ERR_HACKTREE_NATIVE", "could not queue syncfs");
    napi_delete_async_work(env, job->work);
    free(job);
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
