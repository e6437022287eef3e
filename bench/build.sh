#!/usr/bin/env bash
# The build sandbox (issue 4): how long setting up a build root takes with the W1 base (fresh:
# composed and checked out; reused: found again), how long bubblewrap takes to start, and one
# build of the tiny autotools project (autoreconf, configure, make, install) with and without
# the sandbox, and a no-op `hacktree build` (the whole command, everything cached) of a
# two-recipe workspace. Targets: sandbox setup under 1 s, a no-op build under 1 s.
#
# usage: bench/build.sh [--runs N] [--no-build] [--keep]
# env: HACKTREE_BENCH_DIR (work directory parent; default /var/tmp), HACKTREE_TEST_CACHE.
# Prints a markdown table on stdout and writes it to bench/results/build-latest.md.
# Needs root and bubblewrap.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_options build "$@"
w1=$(bench_w1)

bench_workdir

dist=$top/dist
if $build; then
  bench_snapshot
  dist=$snapshot/dist
fi
[[ -e $dist/bench/buildTimes.js ]] || { echo "bench/build.sh: $dist/bench/buildTimes.js is missing: build first (npm run build)" >&2; exit 1; }
export HACKTREE_REPO=$work/repo
ht() { node "$dist/bin/main.js" "$@"; }
times() { node "$dist/bench/buildTimes.js" "$@"; }

say "committing W1 as the base (untimed)"
ht init -q
ht bootstrap --from "$w1" --name bench -q >/dev/null
base=base/bench
buildroots=$work/repo/hacktree/buildroots

# One small dependency artifact, so a fresh build root with dependencies composes a new tree.
mkdir -p "$work/dep/usr/include" "$work/artifacts"
echo '#define BENCH_DEP 1' >"$work/dep/usr/include/bench-dep.h"
ht artifact pack "$work/dep" --name bench-dep --version 1 --root 1.0-opt-x86_64 --flavor opt --out "$work/artifacts" -q >/dev/null
dep_commit=$(ht artifact import "$work"/artifacts/bench-dep-devel,*.tar.gz --json | sed -n 's/.*"commit": "\([0-9a-f]*\)".*/\1/p')
dep_tree=$(git --git-dir "$work/repo" rev-parse "$dep_commit^{tree}")

say "reading W1's checkout once, untimed, so the page cache is warm"
times prepare "$work/repo" "$base" >/dev/null

say "building a two-recipe workspace once (untimed), for the no-op build"
ht bootstrap --from "$w1" --name debian-bookworm-x86_64 -q >/dev/null
node -e "import('$dist/test/helpers/recipeWorkspace.js').then((m) => m.makeRecipeWorkspace(process.argv[1]))" "$work/ws"
HACKTREE_SOURCE_CACHE=$work/sources ht build --flavor opt -C "$work/ws" -q >/dev/null
seconds_of() { local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N); awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'; }

fresh=(); fresh_dep=(); reused=(); sandbox=(); sandbox_dep=(); inside=(); outside=(); noop=()
for ((i = 0; i < runs; i++)); do
  say "run $((i + 1)) of $runs"
  rm -rf "$buildroots"; sync
  fresh+=("$(times prepare "$work/repo" "$base")")
  reused+=("$(times prepare "$work/repo" "$base")")
  # A new dependency set over a base already checked out: what most builds meet first.
  rm -rf "$buildroots/$dep_tree" "$buildroots/.inputs"; sync
  fresh_dep+=("$(times prepare "$work/repo" "$base" "$dep_tree")")
  sandbox+=("$(times sandbox "$work/repo" "$base" "$work")")
  sandbox_dep+=("$(times sandbox "$work/repo" "$base" "$work" "$dep_tree")")
  inside+=("$(times autotools "$work/repo" "$base" "$work")")
  outside+=("$(times host "$work")")
  noop+=("$(HACKTREE_SOURCE_CACHE=$work/sources seconds_of ht build --flavor opt -C "$work/ws" -q)")
done

fresh_m=$(median "${fresh[@]}")
fresh_dep_m=$(median "${fresh_dep[@]}")
reused_m=$(median "${reused[@]}")
sandbox_m=$(median "${sandbox[@]}")
verdict() { awk -v s="$1" -v t="$2" 'BEGIN { print (s + 0 < t + 0) ? "met" : "**missed**" }'; }
{
  echo "$(date -u '+%Y-%m-%d %H:%M') UTC, hacktree $revision, $(nproc) cores, $(uname -r), load $(cut -d' ' -f1 /proc/loadavg). Median of $runs runs (s), in-process (node's start-up aside); \`bash bench/build.sh\`."
  echo
  echo "| what | median (s) | all runs | target |"
  echo "|---|---|---|---|"
  echo "| base checkout: W1 alone (read the snapshot, hardlinked checkout of 13.5k entries); paid once per base, by \`hacktree bootstrap\` | $fresh_m | ${fresh[*]} | (once per base) |"
  echo "| build root, fresh: W1 base + one -devel artifact (compose and write the union's tree; check out the artifact; the base's checkout is shared) | $fresh_dep_m | ${fresh_dep[*]} | < 1 s: $(verdict "$fresh_dep_m" 1) |"
  echo "| build root, reused (same inputs: found by their hash) | $reused_m | ${reused[*]} | < 1 s: $(verdict "$reused_m" 1) |"
  echo "| sandbox start and exit (\`true\`), the base alone: bwrap | $sandbox_m | ${sandbox[*]} | |"
  echo "| sandbox start and exit (\`true\`), base + artifact: unshare, overlay mount, bwrap | $(median "${sandbox_dep[@]}") | ${sandbox_dep[*]} | |"
  echo "| tiny autotools project (autoreconf, configure, make -j2, install), in the sandbox | $(median "${inside[@]}") | ${inside[*]} | |"
  echo "| the same, straight on the host | $(median "${outside[@]}") | ${outside[*]} | |"
  echo "| \`hacktree build\` with every build cached (2 recipes; the whole command) | $(median "${noop[@]}") | ${noop[*]} | < 1 s: $(verdict "$(median "${noop[@]}")" 1) |"
} | tee "$results_file.new"
mv "$results_file.new" "$results_file"
