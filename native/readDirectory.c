/*
 * One directory's entries with what a commit's scan needs of each (lstat, xattrs, symlink
 * target), in one call instead of readdirSync, then lstatSync (bigint), @napi-rs/xattr's
 * listAttributesSync and readlinkSync per entry: scanDirectory of W1 (13.5k entries) took
 * 163 ms with it against 223 ms without (HACKTREE_NATIVE=0, same build), a third of an unchanged
 * second commit. Its result is flat (see read_directory).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include "hacktree_native.h"

/* A growing byte buffer for the joined strings. */
typedef struct {
  char *data;
  size_t length, capacity;
} text;

static int append(text *t, const char *bytes, size_t length) {
  if (t->length + length + 1 > t->capacity) {
    size_t next = t->capacity ? t->capacity * 2 : 4096;
    while (next < t->length + length + 1) next *= 2;
    char *grown = realloc(t->data, next);
    if (!grown) return 0;
    t->data = grown;
    t->capacity = next;
  }
  memcpy(t->data + t->length, bytes, length);
  t->length += length;
  return 1;
}

/* Appends "\0" (between entries) and then `bytes`. */
static int append_field(text *t, uint32_t index, const char *bytes, size_t length) {
  return (index == 0 || append(t, "", 1)) && append(t, bytes, length);
}

/*
 * A time in nanoseconds since 1970 in decimal, as node's BigInt mtimeNs and ctimeNs give it:
 * negative before 1970 (tv_nsec is never negative), and past 2262, where tv_sec * 1e9 no
 * longer fits 64 bits, still whole. The characters written.
 */
static int format_ns(char *out, size_t size, struct timespec t) {
  long long sec = t.tv_sec;
  long nsec = t.tv_nsec;
  if (sec >= 0) return sec ? snprintf(out, size, "%lld%09ld", sec, nsec) : snprintf(out, size, "%ld", nsec);
  /* sec * 1e9 + nsec < 0: its magnitude is (-sec - 1) * 1e9 + (1e9 - nsec). */
  unsigned long long whole = (unsigned long long)(-(sec + 1));
  long fraction = 1000000000L - nsec;
  if (fraction == 1000000000L) whole++, fraction = 0;
  return whole ? snprintf(out, size, "-%llu%09ld", whole, fraction) : snprintf(out, size, "-%ld", fraction);
}

#define NUMBERS_PER_ENTRY 6

/*
 * readDirectory(dir) -> [names, numbers, ids, stamps, targets, xattrs]: every entry but . and ..,
 * in directory order, flat: names and symlink targets (empty for other entries) each as one
 * Buffer of their bytes joined by "\0" (no name or target holds one; they need not be UTF-8),
 * ids ("dev:ino") and stamps ("mtimeNs:ctimeNs") each as one string joined so; numbers a Float64Array of st_mode, uid, gid, size, nlink and rdev per entry; xattrs
 * [[index, [[name, Buffer], ...]], ...] for the entries that have any. One JS value per field
 * instead of per entry and field: the row-per-entry form spent most of a W1 scan (13.5k
 * entries) creating N-API values.
 */
napi_value read_directory(napi_env env, napi_callback_info info) {
  size_t argc = 1, dir_length;
  napi_value argv[1];
  char dir_arg[PATH_MAX];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      !path_arg(env, argv[0], dir_arg, sizeof dir_arg, &dir_length))
    return throw_error(env, "ERR_INVALID_ARG_TYPE", "readDirectory wants a path (a string or a Buffer)");
  char *path = malloc(dir_length + 2 + NAME_MAX + 1);
  if (!path) return throw_error(env, "ENOMEM", "out of memory");
  memcpy(path, dir_arg, dir_length + 1);
  DIR *dir = opendir(path);
  if (!dir) {
    napi_value thrown = throw_errno(env, errno, "scandir", path);
    free(path);
    return thrown;
  }
  path[dir_length] = '/';
  char *name_at = path + dir_length + 1;
  text names = { 0 }, ids = { 0 }, stamps = { 0 }, targets = { 0 };
  double *numbers = NULL;
  size_t numbers_capacity = 0;
  napi_value xattr_rows, result = NULL;
  uint32_t count = 0, xattr_count = 0;
  const char *failed_call = NULL;
  int err = 0;
  if (!NAPI_OK(env, napi_create_array(env, &xattr_rows))) {
    closedir(dir);
    goto done;
  }
  for (;;) {
    errno = 0;
    struct dirent *entry = readdir(dir);
    if (!entry) {
      if (errno) failed_call = "scandir", err = errno, path[dir_length] = '\0';
      break;
    }
    if (entry->d_name[0] == '.' && (entry->d_name[1] == '\0' || (entry->d_name[1] == '.' && entry->d_name[2] == '\0'))) continue;
    strcpy(name_at, entry->d_name);
    struct stat st;
    if (fstatat(dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      failed_call = "lstat", err = errno;
      break;
    }
    napi_value xattrs;
    napi_valuetype xattrs_type;
    if ((err = xattrs_of(env, path, &xattrs)) != 0) {
      if (err < 0) {
        closedir(dir);
        goto done; /* an N-API failure, thrown */
      }
      failed_call = "llistxattr";
      break;
    }
    if (!NAPI_OK(env, napi_typeof(env, xattrs, &xattrs_type))) {
      closedir(dir);
      goto done;
    }
    if (xattrs_type != napi_null) {
      napi_value row, index;
      if (!NAPI_OK(env, napi_create_array_with_length(env, 2, &row)) || !NAPI_OK(env, napi_create_uint32(env, count, &index)) ||
          !NAPI_OK(env, napi_set_element(env, row, 0, index)) || !NAPI_OK(env, napi_set_element(env, row, 1, xattrs)) ||
          !NAPI_OK(env, napi_set_element(env, xattr_rows, xattr_count++, row))) {
        closedir(dir);
        goto done;
      }
    }
    char target[PATH_MAX];
    ssize_t target_length = 0;
    if (S_ISLNK(st.st_mode)) {
      target_length = readlinkat(dirfd(dir), entry->d_name, target, sizeof target);
      if (target_length < 0 || target_length == (ssize_t)sizeof target) {
        failed_call = "readlink", err = target_length < 0 ? errno : ENAMETOOLONG;
        break;
      }
    }
    char id[48], stamp[48];
    int id_length = snprintf(id, sizeof id, "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
    int stamp_length = format_ns(stamp, sizeof stamp, st.st_mtim);
    stamp[stamp_length++] = ':';
    stamp_length += format_ns(stamp + stamp_length, sizeof stamp - (size_t)stamp_length, st.st_ctim);
    if ((count + 1) * NUMBERS_PER_ENTRY > numbers_capacity) {
      size_t next = numbers_capacity ? numbers_capacity * 2 : 64 * NUMBERS_PER_ENTRY;
      double *grown = realloc(numbers, next * sizeof *numbers);
      if (!grown) {
        failed_call = "readdir", err = ENOMEM;
        break;
      }
      numbers = grown;
      numbers_capacity = next;
    }
    double *row = numbers + (size_t)count * NUMBERS_PER_ENTRY;
    row[0] = st.st_mode;
    row[1] = st.st_uid;
    row[2] = st.st_gid;
    row[3] = (double)st.st_size;
    row[4] = (double)st.st_nlink;
    row[5] = (double)st.st_rdev;
    if (!append_field(&names, count, entry->d_name, strlen(entry->d_name)) || !append_field(&ids, count, id, (size_t)id_length) ||
        !append_field(&stamps, count, stamp, (size_t)stamp_length) || !append_field(&targets, count, target, (size_t)target_length)) {
      failed_call = "readdir", err = ENOMEM;
      break;
    }
    count++;
  }
  closedir(dir);
  if (failed_call) {
    throw_errno(env, err, failed_call, path);
  } else {
    napi_value fields[6], array_buffer, list;
    void *bytes = NULL;
    size_t numbers_size = (size_t)count * NUMBERS_PER_ENTRY * sizeof *numbers;
    if (!NAPI_OK(env, napi_create_buffer_copy(env, names.length, names.data ? names.data : "", NULL, &fields[0])) ||
        !NAPI_OK(env, napi_create_arraybuffer(env, numbers_size, &bytes, &array_buffer)))
      goto done;
    if (numbers_size > 0) memcpy(bytes, numbers, numbers_size);
    if (!NAPI_OK(env, napi_create_typedarray(env, napi_float64_array, (size_t)count * NUMBERS_PER_ENTRY, array_buffer, 0, &fields[1])) ||
        !NAPI_OK(env, napi_create_string_utf8(env, ids.data ? ids.data : "", ids.length, &fields[2])) ||
        !NAPI_OK(env, napi_create_string_utf8(env, stamps.data ? stamps.data : "", stamps.length, &fields[3])) ||
        !NAPI_OK(env, napi_create_buffer_copy(env, targets.length, targets.data ? targets.data : "", NULL, &fields[4])) ||
        !NAPI_OK(env, napi_create_array_with_length(env, 6, &list)))
      goto done;
    fields[5] = xattr_rows;
    uint32_t i = 0;
    while (i < 6 && NAPI_OK(env, napi_set_element(env, list, i, fields[i]))) i++;
    if (i == 6) result = list;
  }
done:
  free(names.data);
  free(ids.data);
  free(stamps.data);
  free(targets.data);
  free(numbers);
  free(path);
  return result;
}
