/*
 * The credentials of a Unix socket's peer as the kernel recorded them when it connected
 * (SO_PEERCRED: pid, uid, gid; SO_PEERGROUPS: its supplementary groups), which Node has no
 * binding for. The daemon authorizes by these, never by what a client says about itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include "hacktree_native.h"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif

/* The peer's groups into *groups (malloc'd) and *count; 0 or an errno. */
static int peer_groups(int fd, gid_t **groups, size_t *count) {
  socklen_t size = 32 * sizeof(gid_t);
  for (int attempt = 0; attempt < 8; attempt++) {
    gid_t *buf = malloc(size ? size : sizeof(gid_t));
    if (!buf) return ENOMEM;
    socklen_t got = size;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, buf, &got) == 0) {
      *groups = buf;
      *count = got / sizeof(gid_t);
      return 0;
    }
    int err = errno;
    free(buf);
    /* ERANGE: the kernel wrote the size it needs into got. */
    if (err != ERANGE || got <= size) return err;
    size = got;
  }
  return ERANGE;
}

static napi_value throw_socket_error(napi_env env, int err, const char *what) {
  napi_value error = errno_error(env, err, what);
  if (error) napi_throw(env, error);
  return NULL;
}

/* peerCredentials(fd) -> {pid, uid, gid, groups: number[]}; throws with the errno's name as code. */
napi_value peer_credentials(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int fd;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0)
    return throw_error(env, "ERR_INVALID_ARG_TYPE", "peerCredentials wants a socket's file descriptor");
  struct ucred cred;
  socklen_t length = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0) return throw_socket_error(env, errno, "getsockopt(SO_PEERCRED)");
  gid_t *groups = NULL;
  size_t count = 0;
  int err = peer_groups(fd, &groups, &count);
  if (err) return throw_socket_error(env, err, "getsockopt(SO_PEERGROUPS)");
  napi_value result, value, list;
  if (!NAPI_OK(env, napi_create_object(env, &result)) || !NAPI_OK(env, napi_create_array_with_length(env, count, &list))) goto fail;
  for (size_t i = 0; i < count; i++)
    if (!NAPI_OK(env, napi_create_uint32(env, groups[i], &value)) || !NAPI_OK(env, napi_set_element(env, list, (uint32_t)i, value))) goto fail;
  if (!NAPI_OK(env, napi_create_int32(env, cred.pid, &value)) || !NAPI_OK(env, napi_set_named_property(env, result, "pid", value))) goto fail;
  if (!NAPI_OK(env, napi_create_uint32(env, cred.uid, &value)) || !NAPI_OK(env, napi_set_named_property(env, result, "uid", value))) goto fail;
  if (!NAPI_OK(env, napi_create_uint32(env, cred.gid, &value)) || !NAPI_OK(env, napi_set_named_property(env, result, "gid", value))) goto fail;
  if (!NAPI_OK(env, napi_set_named_property(env, result, "groups", list))) goto fail;
  free(groups);
  return result;
fail:
  free(groups);
  return NULL;
}
