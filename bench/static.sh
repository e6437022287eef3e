#!/usr/bin/env bash
# Static repositories (issue 16) on W1: the first pull of the W1 root from a static repository
# that `hacktree publish` wrote, served by nginx on 127.0.0.1, against `ostree pull` of the same
# tree from an archive repository on the same nginx, per object and through a from-empty static
# delta (`ostree static-delta generate --empty`), alternating, medians of wall time, and the bytes
# nginx sent for each (its access log, $body_bytes_sent). The tree is W1 without device nodes and
# fifos (rootfs-nodev), which ostree refuses; hacktree commits it with `root commit --tree dir=`,
# so it has no manifest and publishes as one root pack. Then the next version, coreutils rebuilt
# (one byte appended to each of its files, as bench/remote.sh does), pulled into the last
# targets: bytes against ostree's static delta between the two commits and against the changed
# files' size as a zstd'd tar.
#
# usage: bench/static.sh [--runs N] [--keep] [--zstd-level=N]
# env: HACKTREE_BENCH_DIR (work directory parent; default /var/tmp), HACKTREE_TEST_CACHE.
# Prints a markdown table on stdout and writes it to bench/results/static-latest.md.
# Needs a built tree (npm run build), root, nginx, ostree, zstd and /usr/bin/time.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
zstd_level=12
bench_extra_option() {
  case $1 in
    --zstd-level=*) zstd_level=${1#--zstd-level=}; return 0 ;;
  esac
  return 1
}
bench_options static "$@"
source "$top/bench/lib-nginx.sh"
for tool in nginx ostree zstd /usr/bin/time; do command -v "$tool" >/dev/null || { say "$tool is missing"; exit 1; }; done

w1=$(bench_w1)
tree=${w1%/rootfs}/rootfs-nodev

static_bench_setup static

say "committing the tree on the publisher and publishing it (zstd level $zstd_level)"
"$bin" --repo "$work/pub" init -q
"$bin" --repo "$work/pub" root commit root-w1 --tree "dir=$tree" -q >&2
commit=$(git --git-dir="$work/pub" rev-parse root-w1)
publish_time=$(timed "$bin" --repo "$work/pub" publish "$work/www/static" w1 --zstd-level "$zstd_level" -q)
static_size=$(du -sb "$work/www/static/packs" | cut -f1)

say "committing the tree into an ostree archive repository, with a from-empty static delta"
ostree --repo="$work/www/ostree" init --mode=archive
ostree_commit_time=$(timed ostree --repo="$work/www/ostree" commit -b w1 --tree=dir="$tree")
delta_time=$(timed ostree --repo="$work/www/ostree" static-delta generate --empty --to=w1)
ostree --repo="$work/www/ostree" summary -u
delta_size=$(du -sb "$work/www/ostree/deltas" | cut -f1)

nginx_start "$work/www"

hacktree_times=(); object_times=(); delta_times=()
for i in $(seq 1 "$runs"); do
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
  say "run $i/$runs: hacktree pull from the static repository"
  static_target
  mark=$(log_mark)
  hacktree_times+=("$(timed "$bin" --repo "$work/target" pull s w1 -q)")
  hacktree_bytes=$(bytes_since "$mark")
  [[ $(git --git-dir="$work/target" rev-parse root-w1) == "$commit" ]]
  ostree_pull_both w1 "run $i/$runs"
done
say "the next version: coreutils rebuilt (one byte appended to each of its files), pulled into the last targets"
rebuild_coreutils "$tree" "$work/coreutils"
changed_files=$(find "$work/coreutils" -type f | wc -l)
changed_zstd=$(tar -C "$work/coreutils" -cf - . | zstd -q -"$zstd_level" --long=27 -c | wc -c)
"$bin" --repo "$work/pub" root commit root-w1 --tree ref=root-w1 --tree "dir=$work/coreutils" --union -q >&2
next_commit=$(git --git-dir="$work/pub" rev-parse root-w1)
next_publish_time=$(timed "$bin" --repo "$work/pub" publish "$work/www/static" w1 --zstd-level "$zstd_level" -q)
ostree --repo="$work/www/ostree" commit -b w1 --tree=ref=w1 --tree=dir="$work/coreutils" > /dev/null
next_delta_time=$(timed ostree --repo="$work/www/ostree" static-delta generate --to=w1)
ostree --repo="$work/www/ostree" summary -u
mark=$(log_mark)
next_hacktree_time=$(timed "$bin" --repo "$work/target" pull s w1 -q)
next_hacktree_bytes=$(bytes_since "$mark")
[[ $(git --git-dir="$work/target" rev-parse root-w1) == "$next_commit" ]]
mark=$(log_mark)
next_ostree_time=$(timed ostree --repo="$work/ostree-target" pull o w1)
next_ostree_bytes=$(bytes_since "$mark")
"$bin" --repo "$work/target" fsck -q
hacktree_median=$(printf '%s\n' "${hacktree_times[@]}" | median)
object_median=$(printf '%s\n' "${object_times[@]}" | median)
delta_median=$(printf '%s\n' "${delta_times[@]}" | median)
best=$(awk -v a="$object_median" -v b="$delta_median" 'BEGIN { print (a < b) ? a : b }')
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "met" : "**missed**" }'; }

table=$(cat <<TABLE
$(date -u '+%Y-%m-%d %H:%M') UTC, hacktree $revision, $(nproc) cores, $(uname -r); W1 without device nodes ($(du -sh "$tree" | cut -f1)), commit $commit; nginx on 127.0.0.1, caches dropped before each run. Median of $runs alternating runs; \`bash bench/static.sh\`.

| first pull into an empty repository | median (s) | runs (s) | bytes nginx sent | target |
|---|---|---|---|---|
| \`hacktree pull\` from the static repository (zstd level $zstd_level) | $hacktree_median | ${hacktree_times[*]} | $hacktree_bytes | time <= the faster ostree ($best s): $(verdict "$hacktree_median" "$best"); bytes <= the static delta's ($delta_bytes): $(verdict "$hacktree_bytes" "$delta_bytes") |
| \`ostree pull --disable-static-deltas\` (per object, archive repository) | $object_median | ${object_times[*]} | $object_bytes | — |
| \`ostree pull\` through the from-empty static delta | $delta_median | ${delta_times[*]} | $delta_bytes | — |

| next version, coreutils changed ($changed_files files; $changed_zstd bytes as a zstd -$zstd_level tar), into the last targets | seconds | bytes nginx sent | target |
|---|---|---|---|
| \`hacktree pull\` (delta pack + the changed blobs) | $next_hacktree_time | $next_hacktree_bytes | <= ostree's: $(verdict "$next_hacktree_bytes" "$next_ostree_bytes"); <= 1.2x the changed package: $(verdict "$next_hacktree_bytes" "$(awk -v z="$changed_zstd" 'BEGIN { print int(z * 1.2) }')") |
| \`ostree pull\` through the static delta from the first version | $next_ostree_time | $next_ostree_bytes | — |

| publishing | seconds | bytes on disk |
|---|---|---|
| \`hacktree publish\` (packs/ only; objects/pack for dumb HTTP beside) | $publish_time | $static_size |
| \`ostree commit\` into the archive repository | $ostree_commit_time | $(du -sb "$work/www/ostree/objects" | cut -f1) |
| \`ostree static-delta generate --empty\` | $delta_time | $delta_size |
| \`hacktree publish\` of the next version | $next_publish_time | — |
| \`ostree static-delta generate\` from the first version to the next | $next_delta_time | — |
TABLE
)
mkdir -p "$(dirname "$results_file")"
printf '%s\n' "$table" | tee "$results_file"
