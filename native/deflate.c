/*
 * zlib streams (git's object format) made by ISA-L's igzip at its level 1 (level 0 for small
 * inputs, see SMALL_INPUT). On W1's 11k files up to 8 MB (322 MB), node:zlib at level 1 took
 * 3.13 s here and igzip 0.79 s (0.25x), for output 40.3% of the input against 39.5%
 * (`bash bench/deflate.sh`). libdeflate's level 1, also in Debian, measured once in between:
 * 2.1x igzip's (level 1) time for 1% smaller output.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <isa-l/igzip_lib.h>
#include "hacktree_native.h"

static native_scratch *scratch_of(napi_env env) {
  native_scratch *scratch = NULL;
  return NAPI_OK(env, napi_get_instance_data(env, (void **)&scratch)) ? scratch : NULL;
}

static int grow(unsigned char **buf, size_t *cap, size_t need) {
  if (*cap >= need) return 1;
  size_t next = *cap ? *cap : 1 << 16;
  while (next < need) next *= 2;
  unsigned char *grown = realloc(*buf, next);
  if (!grown) return 0;
  *buf = grown;
  *cap = next;
  return 1;
}

/*
 * Below this many bytes, igzip's level 0 (its fixed code tables) rather than level 1, whose
 * histogram and code tables, built anew for every stream, cost more than a small input gains
 * from them: W1's files up to 8 MB deflated in 0.76 s instead of 0.82 s, to 0.7% more output
 * (130.0 MB instead of 129.0; 6.6k of its 11k files are this small). Trees are mostly this small.
 */
#define SMALL_INPUT 4096

/*
 * Deflates data[0, length) into out[0, room) as one zlib stream at igzip's level 1 (level 0
 * below SMALL_INPUT); the bytes written, -1 when they did not fit or igzip could not make them,
 * -2 when the level's state could not be allocated, or -3 when N-API failed (thrown).
 */
static int64_t deflate_once(napi_env env, const void *data, size_t length, unsigned char *out, size_t room) {
  if (length > UINT32_MAX / 2 || room > UINT32_MAX) return -1; /* igzip counts in 32 bits */
  struct isal_zstream stream;
  isal_deflate_stateless_init(&stream);
  if (length >= SMALL_INPUT) {
    native_scratch *scratch = scratch_of(env);
    if (!scratch) return -3;
    if (!scratch->level_buf && !(scratch->level_buf = malloc(ISAL_DEF_LVL1_DEFAULT))) return -2;
    stream.level = 1;
    stream.level_buf = scratch->level_buf;
    stream.level_buf_size = ISAL_DEF_LVL1_DEFAULT;
  }
  stream.gzip_flag = IGZIP_ZLIB;
  stream.next_in = (uint8_t *)data;
  stream.avail_in = (uint32_t)length;
  stream.next_out = out;
  stream.avail_out = (uint32_t)room;
  return isal_deflate_stateless(&stream) == COMP_OK ? (int64_t)stream.total_out : -1;
}

/*
 * deflateZlibInto(data, out, offset) -> number: deflates `data` as deflateZlib does, straight
 * into out[offset...]; the bytes written, or -1 when they did not fit (or igzip could not make
 * them): the caller then flushes or grows `out`, or uses node:zlib. A pack writer deflates each
 * blob into its write buffer this way rather than copying the output out of the addon and then
 * into the buffer (W1: ~200 MB, twice).
 */
napi_value deflate_zlib_into(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], result;
  void *data, *out;
  size_t length, out_length;
  int64_t offset;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 || !view_bytes(env, argv[0], &data, &length) ||
      !view_bytes(env, argv[1], &out, &out_length) || napi_get_value_int64(env, argv[2], &offset) != napi_ok || offset < 0 ||
      (size_t)offset > out_length)
    return throw_error(env, "ERR_INVALID_ARG_TYPE", "deflateZlibInto wants data, an output Uint8Array and an offset within it");
  int64_t written = deflate_once(env, data, length, (unsigned char *)out + offset, out_length - (size_t)offset);
  if (written == -3) return NULL;
  if (written == -2) return throw_error(env, "ENOMEM", "out of memory for the deflate state");
  NAPI_CALL(env, napi_create_int32(env, written < 0 ? -1 : (int32_t)written, &result));
  return result;
}

/*
 * deflateZlib(data) -> Buffer | null: the whole zlib stream of `data`, or null when igzip
 * could not make it in the space deflate can need (the caller then uses node:zlib).
 */
napi_value deflate_zlib(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  void *data;
  size_t length;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || !view_bytes(env, argv[0], &data, &length))
    return throw_error(env, "ERR_INVALID_ARG_TYPE", "deflateZlib wants one Buffer or Uint8Array");
  if (length > UINT32_MAX / 2) { /* igzip counts in 32 bits: node:zlib takes such inputs */
    NAPI_CALL(env, napi_get_null(env, &result));
    return result;
  }
  native_scratch *scratch = scratch_of(env);
  if (!scratch) return NULL;
  /* Stored blocks cost 5 bytes per 64 KiB; igzip's dynamic blocks never grow incompressible
     input by more than that plus their header. An eighth more is ample. */
  size_t bound = length + (length >> 3) + 1024;
  if (!grow(&scratch->out, &scratch->out_cap, bound)) return throw_error(env, "ENOMEM", "out of memory for deflated output");
  int64_t written = deflate_once(env, data, length, scratch->out, bound);
  if (written == -3) return NULL;
  if (written == -2) return throw_error(env, "ENOMEM", "out of memory for the deflate state");
  if (written < 0) {
    NAPI_CALL(env, napi_get_null(env, &result));
    return result;
  }
  if (napi_create_buffer_copy(env, (size_t)written, scratch->out, NULL, &result) != napi_ok)
    return throw_error(env, "ENOMEM", "out of memory for deflated output");
  return result;
}

typedef struct {
  struct isal_zstream stream;
  unsigned char level_buf[ISAL_DEF_LVL1_DEFAULT];
} deflate_stream;

static void free_stream(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

/* createDeflateStream() -> handle: a zlib stream fed chunk by chunk (files too big to read whole). */
napi_value create_deflate_stream(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value handle;
  deflate_stream *state = malloc(sizeof *state);
  if (!state) return throw_error(env, "ENOMEM", "out of memory for a deflate stream");
  isal_deflate_init(&state->stream);
  state->stream.level = 1;
  state->stream.level_buf = state->level_buf;
  state->stream.level_buf_size = sizeof state->level_buf;
  state->stream.gzip_flag = IGZIP_ZLIB;
  if (napi_create_external(env, state, free_stream, NULL, &handle) != napi_ok) {
    free(state);
    return throw_error(env, "ENOMEM", "could not make a deflate stream handle");
  }
  return handle;
}

/* deflateStreamPush(handle, chunk, last) -> Buffer: the output this chunk completed (all of it when last). */
napi_value deflate_stream_push(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], result;
  deflate_stream *state;
  void *data;
  size_t length;
  bool last;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 ||
      napi_get_value_external(env, argv[0], (void **)&state) != napi_ok || !view_bytes(env, argv[1], &data, &length) ||
      napi_get_value_bool(env, argv[2], &last) != napi_ok || length > UINT32_MAX / 2)
    return throw_error(env, "ERR_INVALID_ARG_TYPE", "deflateStreamPush wants (handle, Buffer, boolean)");
  if (state->stream.internal_state.state == ZSTATE_END) return throw_error(env, "ERR_STREAM_WRITE_AFTER_END", "the deflate stream has ended");
  native_scratch *scratch = scratch_of(env);
  if (!scratch) return NULL;
  size_t produced = 0;
  state->stream.next_in = data;
  state->stream.avail_in = (uint32_t)length;
  state->stream.end_of_stream = last ? 1 : 0;
  state->stream.flush = NO_FLUSH;
  do {
    if (!grow(&scratch->out, &scratch->out_cap, produced + (length >> 1) + (1 << 16)))
      return throw_error(env, "ENOMEM", "out of memory for deflated output");
    state->stream.next_out = scratch->out + produced;
    state->stream.avail_out = (uint32_t)(scratch->out_cap - produced);
    if (isal_deflate(&state->stream) != COMP_OK) return throw_error(env, "EINVAL", "igzip refused the deflate stream's state");
    produced = (size_t)(state->stream.next_out - scratch->out);
  } while (state->stream.avail_in > 0 || (last && state->stream.internal_state.state != ZSTATE_END));
  if (napi_create_buffer_copy(env, produced, scratch->out, NULL, &result) != napi_ok)
    return throw_error(env, "ENOMEM", "out of memory for deflated output");
  return result;
}
