#!/usr/bin/env bash
# The developer's edit-compile-run loop (issue 13): `hacktree make debug` of GNU hello into the
# deployed 3.2-runtime-opt-x86_64 root, in a tree from `hacktree source hello` with one line
# added, then one more one-line edit and `hacktree make debug` again, which finds its build tree
# configured and runs only make. Each run starts from a new source tree and a reset root. The
# anchor is the first make of the same run. Targets: the second under 3 s and under a fifth of
# the first.
#
# Runs on the repository and workspace `bash setup.sh` made (HACKTREE_REPO, default
# /var/lib/hacktree/repo; the default roots composed; this checkout's recipes/), in a private
# mount namespace with a prefix of its own, so the machine's deployments are not touched; the
# root's local branch it makes is dropped at the end (it refuses to start if one exists).
#
# usage: bench/make-edit.sh [--runs N] [--no-build] [--keep]
# env: HACKTREE_BENCH_DIR (work directory parent; default /var/tmp), HACKTREE_REPO.
# Prints a markdown table on stdout and writes it to bench/results/make-edit-latest.md.
# Needs root, unshare, bubblewrap.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_options make-edit "$@"
bench_workdir

bin=$top/bin/hacktree
if $build; then
  bench_snapshot
  bin=$snapshot/bin/hacktree
fi
repo=${HACKTREE_REPO:-/var/lib/hacktree/repo}
root=3.2-runtime-opt-x86_64
git --git-dir="$repo" rev-parse -q --verify "refs/heads/root-$root" >/dev/null \
  || { echo "bench/make-edit.sh: $repo has no root-$root: run bash setup.sh first" >&2; exit 1; }
if git --git-dir="$repo" rev-parse -q --verify "refs/heads/local/root-$root" >/dev/null; then
  echo "bench/make-edit.sh: $repo has local/root-$root already; reset it first (hacktree root reset $root)" >&2
  exit 1
fi

# Everything runs in one private mount namespace: the deployment at $work/prefix vanishes with it.
say "timing $runs run(s) of: source, edit, make debug, edit, make debug"
unshare -m --propagation private env HACKTREE_REPO="$repo" HACKTREE_PREFIX="$work/prefix" bin="$bin" root="$root" work="$work" runs="$runs" top="$top" bash -euo pipefail -c '
  ht() { "$bin" "$@"; }
  now() { date +%s.%N; }
  mkdir -p "$work/prefix"
  ht root checkout "$root" >/dev/null
  for ((i = 1; i <= runs; i++)); do
    tree=$work/hello-$i
    (cd "$top" && ht source hello "$tree" >/dev/null)
    cd "$tree"
    sed -i "s/^  set_program_name (argv\\[0\\]);/&\\n  wprintf (L\"edit one\\\\n\");/" src/hello.c
    start=$(now); HACKTREE_ROOT=$work/prefix/root-$root ht make debug >/dev/null; first=$(now)
    sed -i "s/edit one/edit two/" src/hello.c
    HACKTREE_ROOT=$work/prefix/root-$root ht make debug >/dev/null; second=$(now)
    test "$(ht root run "$root" -- hello | head -n 1)" = "edit two"
    awk -v s="$start" -v f="$first" -v t="$second" "BEGIN { printf \"%.2f %.2f\\n\", f - s, t - f }"
    ht root reset "$root" >/dev/null
  done
' >"$work/times"

firsts=() seconds=()
while read -r first second; do firsts+=("$first"); seconds+=("$second"); done <"$work/times"
mf=$(median "${firsts[@]}")
ms=$(median "${seconds[@]}")
ratio=$(awk -v s="$ms" -v f="$mf" 'BEGIN { printf "%.3f", s / f }')
{
  echo "# hacktree make debug: the edit-compile-run loop ($(date -u +%Y-%m-%dT%H:%MZ), $revision, $runs runs)"
  echo
  echo "GNU hello 2.10 from \`hacktree source hello\`, a one-line edit, \`HACKTREE_ROOT=<public path> hacktree make debug\` into the deployed $root (configure, make, install, pack, install-local, redeploy); then another one-line edit and the same command (make only)."
  echo
  echo "| step | median s | runs s |"
  echo "|---|---|---|"
  echo "| first make debug (the anchor) | $mf | ${firsts[*]} |"
  echo "| second make debug, after a one-line edit | $ms | ${seconds[*]} |"
  echo
  echo "Second / first: ${ratio}x (target: under 3 s and under 0.2x)."
} | tee "$results_file"
