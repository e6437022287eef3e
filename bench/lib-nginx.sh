# Shared by the static-repository bench scripts (sourced after lib.sh; static_bench_setup makes
# $work): a real nginx serving $1 on 127.0.0.1 as plain files, its access log recording each request's body
# bytes. Sets $url, $nginx_pid and $nginx_log; nginx_stop ends it (the caller's EXIT trap).
# log_mark and bytes_since MARK give the bytes nginx sent since a mark; timed runs a command and
# prints its wall seconds (its output in $work/out.txt); median reads numbers on stdin (it
# replaces lib.sh's, which takes arguments).

# Runs a command under /usr/bin/time; prints its wall time in seconds.
timed() {
  /usr/bin/time -f '%e' -o "$work/time.txt" "$@" > "$work/out.txt" 2>&1 || { cat "$work/out.txt" >&2; say "failed: $*"; exit 1; }
  cat "$work/time.txt"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Makes $work (kept with --keep), an EXIT trap that stops nginx and removes $work, and the
# hacktree under test as $bin; NAME names the work directory.
static_bench_setup() {
  work=$(mktemp -d "${HACKTREE_BENCH_DIR:-/var/tmp}/hacktree-bench-$1.XXXXXX")
  trap static_bench_cleanup EXIT
  export HACKTREE_FSYNC=0
  bench_snapshot
  bin=$snapshot/bin/hacktree
}
static_bench_cleanup() {
  nginx_stop
  if $keep; then say "work directory kept: $work"; else rm -rf "$work"; fi
}

# A new empty repository at $work/target with the static repository at $url/static as remote s.
static_target() {
  rm -rf "$work/target"
  "$bin" --repo "$work/target" init -q
  "$bin" --repo "$work/target" remote add s "$url/static" --static -q
}

nginx_start() {
  local root=$1 port
  mkdir -p "$work/nginx/tmp"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  nginx_log=$work/nginx/access.log
  cat > "$work/nginx/nginx.conf" <<CONF
daemon off;
user root root;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  log_format bytes '\$request_uri \$status \$body_bytes_sent';
  access_log $nginx_log bytes;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  sendfile on;
  server { listen 127.0.0.1:$port; root $root; }
}
CONF
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
  nginx_pid=$!
  url=http://127.0.0.1:$port
  for _ in $(seq 50); do curl -s -o /dev/null "$url/" && return 0; sleep 0.1; done
  say "nginx did not start: $(cat "$work/nginx/error.log" 2>/dev/null)"
  exit 1
}

nginx_stop() {
  if [[ -n ${nginx_pid:-} ]]; then kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true; fi
}

log_mark() { wc -l < "$nginx_log"; }
bytes_since() { tail -n +"$(($1 + 1))" "$nginx_log" | awk '{ s += $3 } END { print s + 0 }'; }

# One alternating round of ostree's two ways of a first pull of REF from "$url/ostree" into a
# fresh bare repository: per object, then through the from-empty static delta. Appends to
# object_times and delta_times; sets object_bytes and delta_bytes (what nginx sent).
ostree_pull_both() {
  local ref=$1 round=$2 mode mark
  for mode in object delta; do
    say "$round: ostree pull ($mode)"
    rm -rf "$work/ostree-target"; ostree --repo="$work/ostree-target" init --mode=bare
    ostree --repo="$work/ostree-target" remote add --no-gpg-verify o "$url/ostree"
    mark=$(log_mark)
    if [[ $mode == object ]]; then
      object_times+=("$(timed ostree --repo="$work/ostree-target" pull --disable-static-deltas o "$ref")")
      object_bytes=$(bytes_since "$mark")
    else
      delta_times+=("$(timed ostree --repo="$work/ostree-target" pull o "$ref")")
      delta_bytes=$(bytes_since "$mark")
    fi
  done
}

# The next version's package: a copy of TREE's coreutils files (its dpkg list) in DEST, one byte
# appended to each. Only the package's own files: W1 merges /usr, and a path through /bin (a
# symlink) is left out.
rebuild_coreutils() {
  local tree=$1 dest=$2 path
  mkdir -p "$dest"
  while read -r path; do
    [[ -f $tree$path && ! -L $tree$path && $(readlink -f "$tree$path") == "$tree$path" ]] || continue
    mkdir -p "$dest$(dirname "$path")"
    cp -p "$tree$path" "$dest$path"
    printf 'x' >> "$dest$path"
  done < "$tree/var/lib/dpkg/info/coreutils.list"
}
