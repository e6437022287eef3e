#!/usr/bin/env bash
# Remotes (issue 5) on W1: `hacktree pull` of the W1 root (510 MB) over loopback into an empty
# repository against native `git fetch` of the same commit from the same server (a node HTTP
# server around `git http-backend`, test/helpers/gitHttpServerProcess.ts), alternating, medians,
# peak memory (/usr/bin/time -v: the largest single process of each command, node or git);
# then the bytes sent pulling the next version of the root, where one package changed (every
# file of coreutils rebuilt: one byte appended), against the first pull's bytes (target < 5%).
#
# usage: bench/remote.sh [--runs N] [--keep]
# env: HACKTREE_BENCH_DIR (work directory parent; default /var/tmp), HACKTREE_TEST_CACHE.
# Prints a markdown table on stdout and writes it to bench/results/remote-latest.md.
# Needs a built tree (npm run build), root (W1 has root-owned files) and /usr/bin/time.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_options remote "$@"
bin=$top/bin/hacktree
server_main=$top/dist/test/helpers/gitHttpServerProcess.js
[[ -f $server_main ]] || { say "run npm run build first ($server_main is missing)"; exit 1; }

w1=$(bench_w1)

work=$(mktemp -d "${HACKTREE_BENCH_DIR:-/var/tmp}/hacktree-bench-remote.XXXXXX")
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true
  if $keep; then say "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
export HACKTREE_FSYNC=0

say "committing W1 on the publisher (untimed)"
mkdir -p "$work/srv"
"$bin" --repo "$work/srv/w1.git" init -q
"$bin" --repo "$work/srv/w1.git" root commit root-w1 --tree "dir=$w1" -q >&2
commit=$(git --git-dir="$work/srv/w1.git" rev-parse root-w1)

node "$server_main" "{\"projectRoot\":\"$work/srv\",\"users\":{},\"auth\":\"push\"}" > "$work/port" &
server_pid=$!
for _ in $(seq 50); do [[ -s $work/port ]] && break; sleep 0.1; done
url=http://127.0.0.1:$(cat "$work/port")/w1.git
pack_bytes() { curl -s "http://127.0.0.1:$(cat "$work/port")/__counters" | sed 's/.*"packBytes":\([0-9]*\).*/\1/'; }

# Runs a command under /usr/bin/time -v; prints "seconds maxrss_kb".
timed() {
  /usr/bin/time -v -o "$work/time.txt" "$@" > "$work/out.txt" 2>&1 || { cat "$work/out.txt" >&2; say "failed: $*"; exit 1; }
  local wall rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt" | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
  echo "$wall $rss"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

native_times=() ; hacktree_times=() ; native_rss=0 ; hacktree_rss=0
for i in $(seq 1 "$runs"); do
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
  say "run $i/$runs: native git fetch"
  rm -rf "$work/native"; git init -q --bare "$work/native"
  read -r t m < <(timed git --git-dir="$work/native" fetch -q --no-tags "$url" "refs/heads/root-w1:refs/heads/root-w1")
  native_times+=("$t"); ((m > native_rss)) && native_rss=$m
  [[ $(git --git-dir="$work/native" rev-parse root-w1) == "$commit" ]]
  say "run $i/$runs: hacktree pull"
  rm -rf "$work/target"; "$bin" --repo "$work/target" init -q; "$bin" --repo "$work/target" remote add dist "$url" -q
  before=$(pack_bytes)
  read -r t m < <(timed "$bin" --repo "$work/target" pull dist w1 -q)
  first_bytes=$(( $(pack_bytes) - before ))
  hacktree_times+=("$t"); ((m > hacktree_rss)) && hacktree_rss=$m
  [[ $(git --git-dir="$work/target" rev-parse root-w1) == "$commit" ]]
done
native_median=$(printf '%s\n' "${native_times[@]}" | median)
hacktree_median=$(printf '%s\n' "${hacktree_times[@]}" | median)
ratio=$(awk -v a="$hacktree_median" -v b="$native_median" 'BEGIN { printf "%.2f", a / b }')

say "the next version: coreutils rebuilt (one byte appended to each of its files), pulled into the last target"
mkdir -p "$work/coreutils"
while read -r path; do
  # Only the package's own files: W1 merges /usr, and a path through /bin (a symlink) would make
  # the layer's bin/ a directory that replaces the link.
  [[ -f $w1$path && ! -L $w1$path && $(readlink -f "$w1$path") == "$w1$path" ]] || continue
  mkdir -p "$work/coreutils$(dirname "$path")"
  cp -p "$w1$path" "$work/coreutils$path"
  printf 'x' >> "$work/coreutils$path"
done < "$w1/var/lib/dpkg/info/coreutils.list"
changed_files=$(find "$work/coreutils" -type f | wc -l)
"$bin" --repo "$work/srv/w1.git" root commit root-w1 --tree ref=root-w1 --tree "dir=$work/coreutils" --union -q >&2
before=$(pack_bytes)
read -r next_time _ < <(timed "$bin" --repo "$work/target" pull dist w1 -q)
next_bytes=$(( $(pack_bytes) - before ))
percent=$(awk -v a="$next_bytes" -v b="$first_bytes" 'BEGIN { printf "%.2f", 100 * a / b }')
"$bin" --repo "$work/target" fsck -q

verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v < t) ? "met" : "**missed**" }'; }
table=$(cat <<EOF
$(date -u '+%Y-%m-%d %H:%M') UTC, hacktree $revision, $(nproc) cores, $(uname -r); W1 root $(du -sh "$w1" | cut -f1), commit $commit. Median of $runs alternating runs, caches dropped before each pair; \`bash bench/remote.sh\`.

| operation | median (s) | runs (s) | peak memory (MB) | target |
|---|---|---|---|---|
| native \`git fetch\` of the W1 root over loopback | $native_median | ${native_times[*]} | $((native_rss / 1024)) | — |
| \`hacktree pull\` of the W1 root (fetch + checks + raw cache) | $hacktree_median | ${hacktree_times[*]} | $((hacktree_rss / 1024)) | ratio $ratio < 1.5: $(verdict "$ratio" 1.5); memory < 500 MB: $(verdict "$((hacktree_rss / 1024))" 500) |

| pull | bytes sent by the server | share of the first pull | target |
|---|---|---|---|
| first pull of the W1 root, empty repository | $first_bytes | 100% | — |
| next version, coreutils changed ($changed_files files), $next_time s | $next_bytes | $percent% | < 5%: $(verdict "$percent" 5) |
EOF
)
mkdir -p "$(dirname "$results_file")"
printf '%s\n' "$table" | tee "$results_file"
