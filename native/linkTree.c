/*
 * A checkout's directories and hardlinks, made by several threads at once: mkdir(2) and link(2)
 * are nearly all of a checkout's time, kernel time that runs in parallel on ext4 (each thread
 * in other directories). In JavaScript (the fallback: this thread and a worker, one call per
 * entry) a fifth of that time went to calls, strings and garbage collection, and the worker
 * only started ~30 ms in. W1's checkout, medians of five alternating runs: 271 ms in
 * JavaScript, 242 ms with this (new destinations); 308 -> 264 ms (medians of seven) when the
 * run before's destination was just removed, as bench/store.sh does (ext4 without a journal
 * then skips recently freed inodes, which makes each mkdir slower). 3 or 4 threads measured the
 * same as 2 on this 2-core machine.
 *
 * linkTree(rawDir, root, ops, threads, progress) -> Promise<failures>
 *   ops: records, each a type byte and NUL-terminated fields:
 *     'D' PATH NUL                mkdirat(root, PATH, 0700)
 *     'L' PATH NUL RAW NUL EXTRA NUL  linkat(rawDir, RAW, root, PATH), then checked
 *   PATH is relative to root, RAW to rawDir. A directory's record comes before anything in it.
 *   Snapshot entry caches keep these records with HACKTREE_NATIVE_ABI (src/store/checkout/
 *   linkRecords.ts, docs/decisions/0015-link-records.md): a change to them must raise it.
 *   Both are checked before anything is made, as src/model/snapshot/repoPath.ts checks paths:
 *   relative (no leading "/"), no empty, "." or ".." component (nothing may land outside root
 *   or come from outside rawDir), names of at most 255 bytes, paths of at most 3072 (its
 *   MAX_PATH_BYTES). A record that is not so rejects the whole call, with code UNSAFE_PATH or
 *   NAME_TOO_LONG and `record` its number, before anything is made.
 *   Each link is checked before it is kept, with one fstatat(2) of it (and a readlinkat(2) for
 *   a symlink), against what its snapshot entry says (src/model/snapshot/rawStatKey.ts is the same check
 *   in JavaScript): the kind, permission bits (not a symlink's), owner and group that RAW's
 *   name carries (<id>.<type><mode>.<uid>.<gid>[.<xattrs>], see src/store/raw/rawCache.ts), and
 *   EXTRA: a file's size in decimal, a symlink's target, a device's "major,minor", empty for a
 *   fifo. A link that differs is removed and fails as RAW_MISMATCH: a raw cache file whose mode,
 *   owner, type, size, target or device numbers were changed is never left in a checkout.
 *   All directories are made first, level by level (every thread on one level, then the next),
 *   then all links; each phase hands out contiguous runs of records, so the threads mostly
 *   work in different directories (two calls in one directory take turns on its lock).
 *   progress: an Int32Array whose [0] counts the records done so far (for a progress bar).
 *   failures: [index, code, message] for each record that failed, in no order; nothing is
 *   retried here, nor undone but a link that failed its check (the caller decides: repair the
 *   raw entry, fall back to a copy, or fail the checkout).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "hacktree_native.h"

typedef struct {
  uint32_t index;
  int err; /* an errno, or RAW_MISMATCH */
} failure;

/* A link that was made but did not pass the check (not an errno: those are positive). */
#define RAW_MISMATCH (-1)

typedef struct {
  /* input */
  char *raw_dir;
  char *root;
  char *ops; /* a copy of the records, owned */
  size_t ops_length;
  int threads;
  int32_t *progress;
  napi_ref progress_ref;
  /* parsed */
  uint32_t count;
  const char **path; /* per record */
  const char **raw;  /* per record, NULL for a directory */
  const char **extra; /* per record, NULL for a directory */
  uint32_t *dirs;    /* directory records, by level then order */
  uint32_t dir_count;
  uint32_t *level_end; /* dirs[level_end[l-1] .. level_end[l]) are level l */
  uint32_t levels;
  uint32_t *links; /* link records, in order */
  uint32_t link_count;
  /* run */
  int raw_fd, root_fd;
  int setup_err;
  /* A record whose PATH or RAW was refused (setup_err is EINVAL then): which, and why. */
  const char *bad_code;
  const char *bad_why;
  uint32_t bad_record;
  uint32_t next; /* next unclaimed position in the current phase's list */
  /* under lock: the start gate, and the barrier after each level */
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int go;
  int waiting;
  unsigned generation;
  failure *failures;
  uint32_t failure_count, failure_cap;
  int out_of_memory;
  napi_async_work work;
  napi_deferred deferred;
} job;

static void record_failure(job *j, uint32_t index, int err) {
  pthread_mutex_lock(&j->lock);
  if (j->failure_count == j->failure_cap) {
    uint32_t cap = j->failure_cap ? j->failure_cap * 2 : 64;
    failure *grown = realloc(j->failures, cap * sizeof *grown);
    if (!grown) {
      j->out_of_memory = 1;
      pthread_mutex_unlock(&j->lock);
      return;
    }
    j->failures = grown;
    j->failure_cap = cap;
  }
  j->failures[j->failure_count++] = (failure){ index, err };
  pthread_mutex_unlock(&j->lock);
}

/* Claims the next run of `chunk` positions below `end`; false when none is left. */
static int claim(job *j, uint32_t chunk, uint32_t end, uint32_t *from, uint32_t *to) {
  uint32_t start = __atomic_fetch_add(&j->next, chunk, __ATOMIC_RELAXED);
  if (start >= end) return 0;
  *from = start;
  *to = start + chunk < end ? start + chunk : end;
  return 1;
}

static uint32_t chunk_for(uint32_t size, int threads) {
  uint32_t chunk = size / ((uint32_t)threads * 8);
  return chunk < 1 ? 1 : chunk > 256 ? 256 : chunk;
}

/*
 * Waits until every thread has finished level l; the last to arrive points `next` at the next
 * level's first directory (or, after the last level, at the first link) and releases the rest.
 */
static void level_done(job *j, uint32_t l) {
  pthread_mutex_lock(&j->lock);
  unsigned generation = j->generation;
  if (++j->waiting == j->threads) {
    j->waiting = 0;
    j->generation++;
    __atomic_store_n(&j->next, l + 1 < j->levels ? j->level_end[l] : 0, __ATOMIC_RELAXED);
    pthread_cond_broadcast(&j->cond);
  } else {
    while (generation == j->generation) pthread_cond_wait(&j->cond, &j->lock);
  }
  pthread_mutex_unlock(&j->lock);
}

/*
 * Whether the link just made for record r is what its raw name and EXTRA say (see the top of this
 * file). Costs one fstatat of the new link, which the kernel finds in the dentry cache.
 */
static int link_is_sound(const job *j, uint32_t r) {
  const char *name = strrchr(j->raw[r], '/');
  const char *key = strchr(name ? name : j->raw[r], '.');
  if (!key) return 0;
  char type = key[1];
  char *end;
  unsigned long mode = strtoul(key + 2, &end, 8);
  if (*end != '.') return 0;
  unsigned long uid = strtoul(end + 1, &end, 10);
  if (*end != '.') return 0;
  unsigned long gid = strtoul(end + 1, &end, 10);
  if (*end != '.' && *end != 0) return 0;
  struct stat st;
  if (fstatat(j->root_fd, j->path[r], &st, AT_SYMLINK_NOFOLLOW) != 0) return 0;
  if (st.st_uid != uid || st.st_gid != gid) return 0;
  if (type != 'l' && (st.st_mode & 07777) != mode) return 0;
  const char *extra = j->extra[r];
  switch (type) {
    case 'f':
      return S_ISREG(st.st_mode) && (unsigned long long)st.st_size == strtoull(extra, NULL, 10);
    case 'l': {
      size_t length = strlen(extra);
      char target[PATH_MAX];
      if (!S_ISLNK(st.st_mode) || (size_t)st.st_size != length || length >= sizeof target) return 0;
      return readlinkat(j->root_fd, j->path[r], target, sizeof target) == (ssize_t)length && memcmp(target, extra, length) == 0;
    }
    case 'c':
    case 'b': {
      unsigned long major = strtoul(extra, &end, 10);
      if (*end != ',') return 0;
      unsigned long minor = strtoul(end + 1, NULL, 10);
      return (type == 'c' ? S_ISCHR(st.st_mode) : S_ISBLK(st.st_mode)) && st.st_rdev == makedev(major, minor);
    }
    case 'p':
      return S_ISFIFO(st.st_mode);
    default:
      return 0;
  }
}

static void *run_thread(void *data) {
  job *j = data;
  uint32_t from, to;
  pthread_mutex_lock(&j->lock);
  while (!j->go) pthread_cond_wait(&j->cond, &j->lock);
  pthread_mutex_unlock(&j->lock);
  for (uint32_t l = 0; l < j->levels; l++) {
    uint32_t begin = l == 0 ? 0 : j->level_end[l - 1], end = j->level_end[l];
    uint32_t chunk = chunk_for(end - begin, j->threads);
    while (claim(j, chunk, end, &from, &to)) {
      for (uint32_t k = from; k < to; k++) {
        uint32_t r = j->dirs[k];
        if (mkdirat(j->root_fd, j->path[r], 0700) != 0) record_failure(j, r, errno);
      }
      __atomic_fetch_add(j->progress, (int32_t)(to - from), __ATOMIC_RELAXED);
    }
    level_done(j, l);
  }
  uint32_t chunk = chunk_for(j->link_count, j->threads);
  while (claim(j, chunk, j->link_count, &from, &to)) {
    for (uint32_t k = from; k < to; k++) {
      uint32_t r = j->links[k];
      if (linkat(j->raw_fd, j->raw[r], j->root_fd, j->path[r], 0) != 0) {
        record_failure(j, r, errno);
      } else if (!link_is_sound(j, r)) {
        unlinkat(j->root_fd, j->path[r], 0);
        record_failure(j, r, RAW_MISMATCH);
      }
    }
    __atomic_fetch_add(j->progress, (int32_t)(to - from), __ATOMIC_RELAXED);
  }
  return NULL;
}

/* repoPath.ts's MAX_NAME_BYTES and MAX_PATH_BYTES. */
#define MAX_NAME_BYTES 255
#define MAX_PATH_BYTES 3072

/* Why a record's PATH or RAW may not be used (see the top of this file), or NULL; *code says which error. */
static const char *path_problem(const char *path, const char **code) {
  size_t length = strlen(path);
  *code = "UNSAFE_PATH";
  if (path[0] == '/') return "is absolute";
  for (const char *at = path;;) {
    const char *slash = strchr(at, '/');
    size_t name = slash ? (size_t)(slash - at) : strlen(at);
    if (name == 0) return "has an empty component";
    if (name == 1 && at[0] == '.') return "has a \".\" component";
    if (name == 2 && at[0] == '.' && at[1] == '.') return "climbs out with \"..\"";
    if (name > MAX_NAME_BYTES) {
      *code = "NAME_TOO_LONG";
      return "has a component longer than 255 bytes";
    }
    if (!slash) break;
    at = slash + 1;
  }
  if (length > MAX_PATH_BYTES) {
    *code = "NAME_TOO_LONG";
    return "is longer than 3072 bytes";
  }
  return NULL;
}

/* Splits the records; EINVAL when they are malformed (bad_* say so when a path was refused). */
static int parse_ops(job *j) {
  uint32_t count = 0;
  for (size_t at = 0; at < j->ops_length; count++) {
    char type = j->ops[at];
    if (type != 'D' && type != 'L') return EINVAL;
    int fields = type == 'D' ? 1 : 3;
    at++;
    for (int f = 0; f < fields; f++) {
      char *end = memchr(j->ops + at, 0, j->ops_length - at);
      /* Only EXTRA (a fifo's) may be empty. */
      if (!end || (end == j->ops + at && f < 2)) return EINVAL;
      at = (size_t)(end - j->ops) + 1;
    }
  }
  j->count = count;
  j->path = malloc((count ? count : 1) * sizeof *j->path);
  j->raw = malloc((count ? count : 1) * sizeof *j->raw);
  j->extra = malloc((count ? count : 1) * sizeof *j->extra);
  j->dirs = malloc((count ? count : 1) * sizeof *j->dirs);
  j->links = malloc((count ? count : 1) * sizeof *j->links);
  uint32_t *depth = malloc((count ? count : 1) * sizeof *depth);
  if (!j->path || !j->raw || !j->extra || !j->dirs || !j->links || !depth) {
    free(depth);
    return ENOMEM;
  }
  uint32_t max_depth = 0;
  size_t at = 0;
  for (uint32_t r = 0; r < count; r++) {
    char type = j->ops[at++];
    j->path[r] = j->ops + at;
    size_t length = strlen(j->ops + at);
    at += length + 1;
    const char *why = path_problem(j->path[r], &j->bad_code);
    if (!why && type == 'L') why = path_problem(j->ops + at, &j->bad_code);
    if (why) {
      j->bad_why = why;
      j->bad_record = r;
      free(depth);
      return EINVAL;
    }
    if (type == 'D') {
      uint32_t d = 0;
      for (size_t c = 0; c < length; c++) d += j->path[r][c] == '/';
      depth[j->dir_count] = d;
      if (d > max_depth) max_depth = d;
      j->dirs[j->dir_count++] = r;
      j->raw[r] = NULL;
      j->extra[r] = NULL;
    } else {
      j->raw[r] = j->ops + at;
      at += strlen(j->ops + at) + 1;
      j->extra[r] = j->ops + at;
      at += strlen(j->ops + at) + 1;
      j->links[j->link_count++] = r;
    }
  }
  /* Directories by level (a stable counting sort on depth): a level's parents are all made before it starts. */
  j->levels = j->dir_count ? max_depth + 1 : 0;
  j->level_end = calloc(j->levels + 1, sizeof *j->level_end);
  uint32_t *sorted = malloc((j->dir_count ? j->dir_count : 1) * sizeof *sorted);
  if (!j->level_end || !sorted) {
    free(depth);
    free(sorted);
    return ENOMEM;
  }
  for (uint32_t k = 0; k < j->dir_count; k++) j->level_end[depth[k]]++;
  for (uint32_t l = 1; l < j->levels; l++) j->level_end[l] += j->level_end[l - 1];
  for (uint32_t k = j->dir_count; k-- > 0;) sorted[--j->level_end[depth[k]]] = j->dirs[k];
  /* level_end[l] now holds each level's start: shift to ends */
  for (uint32_t l = 0; l < j->levels; l++) j->level_end[l] = l + 1 < j->levels ? j->level_end[l + 1] : j->dir_count;
  free(j->dirs);
  j->dirs = sorted;
  free(depth);
  return 0;
}

static void execute(napi_env env, void *data) {
  (void)env;
  job *j = data;
  j->setup_err = parse_ops(j);
  if (j->setup_err) return;
  j->raw_fd = open(j->raw_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (j->raw_fd < 0) {
    j->setup_err = errno;
    return;
  }
  j->root_fd = open(j->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (j->root_fd < 0) {
    j->setup_err = errno;
    return;
  }
  /* Every thread waits at the gate until the count is known: the barrier counts on it. */
  pthread_t helpers[15];
  int started = 0;
  j->next = 0;
  while (started < j->threads - 1 && pthread_create(&helpers[started], NULL, run_thread, j) == 0) started++;
  pthread_mutex_lock(&j->lock);
  j->threads = started + 1;
  j->go = 1;
  pthread_cond_broadcast(&j->cond);
  pthread_mutex_unlock(&j->lock);
  run_thread(j);
  for (int t = 0; t < started; t++) pthread_join(helpers[t], NULL);
}

static void free_job(napi_env env, job *j) {
  if (j->raw_fd >= 0) close(j->raw_fd);
  if (j->root_fd >= 0) close(j->root_fd);
  if (j->progress_ref) napi_delete_reference(env, j->progress_ref);
  pthread_mutex_destroy(&j->lock);
  pthread_cond_destroy(&j->cond);
  free(j->raw_dir);
  free(j->root);
  free(j->ops);
  free(j->path);
  free(j->raw);
  free(j->extra);
  free(j->dirs);
  free(j->level_end);
  free(j->links);
  free(j->failures);
  free(j);
}

/* The Error for a refused record (see path_problem): code, message, and `record`. */
static napi_value refused_record_error(napi_env env, const job *j) {
  napi_value code, message, error, record;
  char text[256 + MAX_PATH_BYTES];
  const char *path = j->path[j->bad_record];
  snprintf(text, sizeof text, "linkTree: record %u's path \"%.*s\" %s", j->bad_record, MAX_PATH_BYTES, path, j->bad_why);
  if (!NAPI_OK(env, napi_create_string_utf8(env, j->bad_code, NAPI_AUTO_LENGTH, &code)) ||
      !NAPI_OK(env, napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message)) ||
      !NAPI_OK(env, napi_create_error(env, code, message, &error)) || !NAPI_OK(env, napi_create_uint32(env, j->bad_record, &record)) ||
      !NAPI_OK(env, napi_set_named_property(env, error, "record", record)))
    return NULL;
  return error;
}

/* [[index, code, message], ...] of the failed records; NULL when N-API failed (thrown). */
static napi_value failure_list(napi_env env, const job *j) {
  napi_value list;
  if (!NAPI_OK(env, napi_create_array_with_length(env, j->failure_count, &list))) return NULL;
  for (uint32_t k = 0; k < j->failure_count; k++) {
    napi_value entry, index, code, message;
    int err = j->failures[k].err;
    const char *name = err == RAW_MISMATCH ? "RAW_MISMATCH" : strerrorname_np(err);
    if (!NAPI_OK(env, napi_create_array_with_length(env, 3, &entry)) || !NAPI_OK(env, napi_create_uint32(env, j->failures[k].index, &index)) ||
        !NAPI_OK(env, napi_create_string_utf8(env, name ? name : "EIO", NAPI_AUTO_LENGTH, &code)) ||
        !NAPI_OK(env, napi_create_string_utf8(env, err == RAW_MISMATCH ? "the raw cache entry is not what the snapshot says" : strerror(err), NAPI_AUTO_LENGTH, &message)) ||
        !NAPI_OK(env, napi_set_element(env, entry, 0, index)) || !NAPI_OK(env, napi_set_element(env, entry, 1, code)) ||
        !NAPI_OK(env, napi_set_element(env, entry, 2, message)) || !NAPI_OK(env, napi_set_element(env, list, k, entry)))
      return NULL;
  }
  return list;
}

static void complete(napi_env env, napi_status status, void *data) {
  job *j = data;
  napi_value value;
  if (status != napi_ok || j->setup_err || j->out_of_memory) {
    int err = status != napi_ok ? ECANCELED : j->out_of_memory ? ENOMEM : j->setup_err;
    value = j->bad_why ? refused_record_error(env, j) : errno_error(env, err, "linkTree");
    if (!value || !NAPI_OK(env, napi_reject_deferred(env, j->deferred, value))) reject_deferred(env, j->deferred, "EIO", "linkTree failed");
  } else {
    value = failure_list(env, j);
    if (!value || !NAPI_OK(env, napi_resolve_deferred(env, j->deferred, value)))
      reject_deferred(env, j->deferred, "ERR_HACKTREE_NATIVE", "linkTree: could not build its result");
  }
  napi_delete_async_work(env, j->work);
  free_job(env, j);
}

static char *string_argument(napi_env env, napi_value value) {
  size_t length;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return NULL;
  char *text = malloc(length + 1);
  if (text && napi_get_value_string_utf8(env, value, text, length + 1, &length) != napi_ok) {
    free(text);
    return NULL;
  }
  return text;
}

napi_value link_tree(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5], promise, name;
  void *ops;
  size_t ops_length, progress_length;
  int32_t threads;
  napi_typedarray_type progress_type;
  void *progress;
  job *j = calloc(1, sizeof *j);
  if (!j) return throw_error(env, "ENOMEM", "out of memory");
  j->raw_fd = j->root_fd = -1;
  pthread_mutex_init(&j->lock, NULL);
  pthread_cond_init(&j->cond, NULL);
  bool is_typed = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5 ||
      !(j->raw_dir = string_argument(env, argv[0])) || !(j->root = string_argument(env, argv[1])) ||
      !view_bytes(env, argv[2], &ops, &ops_length) || napi_get_value_int32(env, argv[3], &threads) != napi_ok ||
      napi_is_typedarray(env, argv[4], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[4], &progress_type, &progress_length, &progress, NULL, NULL) != napi_ok ||
      progress_type != napi_int32_array || progress_length < 1) {
    free_job(env, j);
    return throw_error(env, "ERR_INVALID_ARG_TYPE", "linkTree wants a raw directory, a root, records (Uint8Array), a thread count and an Int32Array");
  }
  j->threads = threads < 1 ? 1 : threads > 16 ? 16 : threads;
  j->ops_length = ops_length;
  j->ops = malloc(ops_length ? ops_length : 1);
  if (!j->ops) {
    free_job(env, j);
    return throw_error(env, "ENOMEM", "out of memory");
  }
  if (ops_length > 0) memcpy(j->ops, ops, ops_length); /* an empty Buffer's data may be NULL */
  j->progress = progress;
  /* The reference keeps the progress array (and so its memory) alive until the work completes. */
  if (!NAPI_OK(env, napi_create_reference(env, argv[4], 1, &j->progress_ref)) || !NAPI_OK(env, napi_create_promise(env, &j->deferred, &promise))) {
    free_job(env, j);
    return NULL;
  }
  /* From here on the promise is returned, and rejected when the work cannot be made or queued. */
  if (!NAPI_OK(env, napi_create_string_utf8(env, "hacktree:linkTree", NAPI_AUTO_LENGTH, &name)) ||
      !NAPI_OK(env, napi_create_async_work(env, NULL, name, execute, complete, j, &j->work))) {
    reject_deferred(env, j->deferred, "ERR_HACKTREE_NATIVE", "could not make linkTree's work");
    free_job(env, j);
  } else if (!NAPI_OK(env, napi_queue_async_work(env, j->work))) {
    reject_deferred(env, j->deferred, "ERR_HACKTREE_NATIVE", "could not queue linkTree");
    napi_delete_async_work(env, j->work);
    free_job(env, j);
  }
  return promise;
}
