#!/usr/bin/env bash
# Static repositories (issue 16): many machines pulling the same update at once from one nginx.
# A tree (default: W1 without device nodes, as bench/static.sh commits it) is published as
# version 1; N repositories (default 50) hold it, pulled once from the static repository and
# copied with hard links (git objects and raw cache files are never written in place, so the
# copies are independent repositories that share disk); version 2 (coreutils rebuilt, one byte
# appended to each of its files) is published, and all N pull it at once. Reported: how many
# succeeded, the wall time from the first start to the last end, the bytes nginx sent, nginx's
# CPU time (utime + stime of its master and worker, from /proc/PID/stat, before and after) and
# that every repository is at version 2 and passes `hacktree fsck` (run two at a time after).
#
# usage: bench/static-clients.sh [--clients=N] [--tree=DIR] [--keep] [--zstd-level=N]
# env: HACKTREE_BENCH_DIR (work directory parent; default /var/tmp), HACKTREE_TEST_CACHE.
# Prints a markdown table on stdout and writes it to bench/results/static-clients-latest.md.
# Needs a built tree (npm run build), root, nginx, zstd and curl.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
zstd_level=12
clients=50
tree=
bench_extra_option() {
  case $1 in
    --zstd-level=*) zstd_level=${1#--zstd-level=}; return 0 ;;
    --clients=*) clients=${1#--clients=}; return 0 ;;
    --tree=*) tree=${1#--tree=}; return 0 ;;
  esac
  return 1
}
bench_options static-clients "$@"
source "$top/bench/lib-nginx.sh"
[[ $clients =~ ^[1-9][0-9]*$ ]] || { echo "bench/static-clients.sh: --clients wants a positive number, not $clients" >&2; exit 2; }
for tool in nginx zstd curl; do command -v "$tool" >/dev/null || { say "$tool is missing"; exit 1; }; done
if [[ -z $tree ]]; then
  w1=$(bench_w1)
  tree=${w1%/rootfs}/rootfs-nodev
fi
[[ -d $tree ]] || { say "no tree at $tree"; exit 2; }

static_bench_setup static-clients
pub=$work/pub

say "version 1: committing $tree and publishing it (zstd level $zstd_level)"
"$bin" --repo "$pub" init -q
"$bin" --repo "$pub" root commit root-v --tree "dir=$tree" -q >&2
"$bin" --repo "$pub" publish "$work/www/static" v --zstd-level "$zstd_level" -q
nginx_start "$work/www"

say "one repository pulls version 1; $clients hard-linked copies of it"
"$bin" --repo "$work/seed" init -q
"$bin" --repo "$work/seed" remote add s "$url/static" --static -q
"$bin" --repo "$work/seed" pull s v -q
for i in $(seq 1 "$clients"); do cp -al "$work/seed" "$work/client-$i"; done

say "version 2: coreutils rebuilt"
rebuild_coreutils "$tree" "$work/coreutils"
"$bin" --repo "$pub" root commit root-v --tree ref=root-v --tree "dir=$work/coreutils" --union -q >&2
v2=$(git --git-dir="$pub" rev-parse root-v)
"$bin" --repo "$pub" publish "$work/www/static" v --zstd-level "$zstd_level" -q

# utime + stime (clock ticks) of nginx's master and its workers.
nginx_ticks() {
  local pid total=0
  for pid in "$nginx_pid" $(pgrep -P "$nginx_pid"); do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
  done
  echo "$total"
}
hz=$(getconf CLK_TCK)
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
say "$clients repositories pull version 2 at once"
ticks_before=$(nginx_ticks)
mark=$(log_mark)
start=$(date +%s.%N)
pids=()
for i in $(seq 1 "$clients"); do
  "$bin" --repo "$work/client-$i" pull s v -q > "$work/pull-$i.log" 2>&1 &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
end=$(date +%s.%N)
ticks_after=$(nginx_ticks)
bytes=$(bytes_since "$mark")
requests=$(($(log_mark) - mark))
wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
nginx_cpu=$(awk -v t=$((ticks_after - ticks_before)) -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }')
per_client_ms=$(awk -v t=$((ticks_after - ticks_before)) -v hz="$hz" -v n="$clients" 'BEGIN { printf "%.1f", 1000 * t / hz / n }')
((failed == 0)) || { say "$failed pulls failed; the first failure:"; grep -l . "$work"/pull-*.log | head -1 | xargs cat >&2; }

say "checking every repository: at version 2, hacktree fsck (two at a time)"
at_v2=0
for i in $(seq 1 "$clients"); do [[ $(git --git-dir="$work/client-$i" rev-parse root-v) == "$v2" ]] && at_v2=$((at_v2 + 1)); done
export bin
fsck_failed=$(seq 1 "$clients" | xargs -P 2 -I{} sh -c '"$bin" --repo "$0/client-$1" fsck -q > /dev/null 2>&1 || echo "$1"' "$work" {} | wc -l)

table=$(cat <<TABLE
$(date -u '+%Y-%m-%d %H:%M') UTC, hacktree $revision, $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg); $(du -sh "$tree" | cut -f1) tree ($tree) as version 1, coreutils rebuilt as version 2; one nginx (1 worker) on 127.0.0.1 serving the static repository; \`bash bench/static-clients.sh\`.

| $clients clients pull version 2 at once | value |
|---|---|
| pulls that succeeded | $((clients - failed)) of $clients |
| repositories at version 2 and \`hacktree fsck\` clean | $at_v2 at version 2, $((clients - fsck_failed)) clean, of $clients |
| wall time, first start to last end | $wall s |
| bytes nginx sent (all clients) | $bytes in $requests requests |
| nginx CPU time (master + worker, utime + stime) | $nginx_cpu s ($per_client_ms ms per client) |
TABLE
)
mkdir -p "$(dirname "$results_file")"
printf '%s\n' "$table" | tee "$results_file"
((failed == 0 && fsck_failed == 0 && at_v2 == clients))
