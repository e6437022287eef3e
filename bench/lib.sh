# Shared by the bench scripts (sourced after `set -euo pipefail`): their common options, the
# work directory, W1, the hacktree snapshot and the median. A script calls
# `bench_options NAME "$@"`, then uses $runs, $keep, $build, $top, $results_file and $revision;
# it may define bench_extra_option ARG (return 0 when it took ARG) for options of its own.

say() { echo "bench: $*" >&2; }

bench_options() {
  bench_name=$1
  shift
  runs=3
  keep=false
  build=true
  while (($#)); do
    case $1 in
      --runs) runs=${2:?--runs needs a number}; shift 2 ;;
      --keep) keep=true; shift ;;
      --no-build) build=false; shift ;;
      -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
      *)
        if declare -F bench_extra_option >/dev/null && bench_extra_option "$1"; then
          shift
        else
          echo "bench/$bench_name.sh: unknown argument: $1 (see --help)" >&2
          exit 2
        fi ;;
    esac
  done
  [[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench/$bench_name.sh: --runs wants a positive number, not $runs" >&2; exit 2; }
  top=$(cd "$(dirname "${BASH_SOURCE[1]}")/.." && pwd)
  results_file=$top/bench/results/$bench_name-latest.md
  revision=$(git -C "$top" describe --always --dirty 2>/dev/null || echo '?')
}

# Prints the cached W1 rootfs's path, making it first if needed.
bench_w1() {
  say "ensuring W1 (the first time takes minutes)"
  bash "$top/test/fixtures/ensureW1.sh"
}

# Makes $work, removed at exit unless --keep.
bench_workdir() {
  work=$(mktemp -d "${HACKTREE_BENCH_DIR:-/var/tmp}/hacktree-bench-$bench_name.XXXXXX")
  trap 'if $keep; then say "work directory kept: $work"; else rm -rf "$work"; fi' EXIT
}

# Builds hacktree into $work/hacktree (sets $snapshot): others rebuilding dist/ in this tree
# during the minutes a benchmark runs would otherwise swap the code under it halfway.
bench_snapshot() {
  say "building hacktree into the work directory"
  snapshot=$work/hacktree
  mkdir -p "$snapshot/bin"
  cp "$top/bin/hacktree" "$top/bin/hacktree.js" "$snapshot/bin/"
  cp "$top/package.json" "$snapshot/"
  ln -s "$top/node_modules" "$snapshot/node_modules"
  (cd "$top" && npx --no-install tsc -p . --outDir "$snapshot/dist" && npm run --silent bundle -- --outdir="$snapshot/dist/bin" &&
    bash native/build.sh "$snapshot/dist/native") >&2 \
    || { say "the build (tsc, bundle, native addon) failed: nothing was measured"; exit 1; }
}

median() { printf "%s\n" "$@" | sort -n | sed -n "$(((${#} + 1) / 2))p"; }
