#!/usr/bin/env bash
# Deployments (issue 3) on W1: the first deploy of a W1-sized root, a redeploy after a one-file
# commit, a rollback, `root status` (target < 0.3 s) and an idempotent `root mount --all`.
# Everything that mounts runs in one private mount namespace (unshare -m), on a temporary prefix.
#
# usage: bench/deploy.sh [--runs N] [--no-build] [--keep]
#   --runs N     timed runs of each command (default 3; medians are printed)
#   --no-build   run the repository's dist/ as it is, instead of a build made in the work directory
#   --keep       keep the work directory
# env: HACKTREE_BENCH_DIR (work directory parent; default /var/tmp), HACKTREE_TEST_CACHE.
# Prints a markdown table on stdout and writes it to bench/results/deploy-latest.md.
# Needs root and unshare.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_options deploy "$@"
w1=$(bench_w1)

bench_workdir

bin=$top/bin/hacktree
if $build; then
  bench_snapshot
  bin=$snapshot/bin/hacktree
fi

say "committing W1 and a one-file change on top of it (untimed)"
H() { "$bin" --repo "$work/repo" "$@"; }
H init -q
H root commit root-w1 --tree "dir=$w1" -q >&2
mkdir -p "$work/change/etc"
for i in $(seq 0 "$runs"); do
  echo "change $i" > "$work/change/etc/hacktree-bench"
  H root commit "bench-$i" --tree ref=root-w1 --tree "dir=$work/change" --union -q >&2
done
entries=$(find "$w1" | wc -l)

# The timed part: one bash in a private mount namespace writes "key seconds" lines.
unshare -m --propagation private bash -euo pipefail -s -- "$bin" "$work" "$runs" > "$work/samples" <<'INNER'
bin=$1; work=$2; runs=$3
H() { "$bin" --repo "$work/repo" "$@"; }
P=$work/prefix; mkdir -p "$P"
t() { local key=$1; shift; local s e; sync; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); echo "$key $(echo "$e - $s" | bc)"; }
for i in $(seq 1 "$runs"); do
  t first-deploy H root checkout w1 --prefix "$P" --commit "bench-0" -q
  t redeploy H root checkout w1 --prefix "$P" --commit "bench-$i" -q
  t rollback H root rollback w1 --prefix "$P" -q
  t status H root status --prefix "$P"
  t status-json H root status w1 --prefix "$P" --json
  t mount-all H root mount --all --prefix "$P" -q
  t undeploy H root undeploy w1 --prefix "$P" -q
done
INNER

median() { grep "^$1 " "$work/samples" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {printf "%.3f", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
row() { local target=$3 verdict='—'; if [[ $target != '—' ]]; then verdict=$(awk -v m="$(median "$1")" -v t="$target" 'BEGIN {print (m < t ? "met" : "**missed**")}'); target="< $target s: $verdict"; fi; echo "| $2 | $(median "$1") | $target |"; }
{
  echo "$(date -u '+%Y-%m-%d %H:%M') UTC, hacktree $revision, $(nproc) cores, $(uname -r); W1: $entries entries. Median of $runs runs; \`bash bench/deploy.sh\`."
  echo
  echo '| operation (W1-sized root) | median (s) | target |'
  echo '|---|---|---|'
  row first-deploy 'root checkout: first deployment (checkout + publish)' '—'
  row redeploy 'root checkout: redeploy after a one-file commit (checkout + switch beneath + gc)' '—'
  row rollback 'root rollback' '—'
  row status 'root status (every root)' 0.3
  row status-json 'root status NAME --json' 0.3
  row mount-all 'root mount --all, already mounted' '—'
  row undeploy 'root undeploy (unmount, remove two deployments)' '—'
} | tee "$results_file"
