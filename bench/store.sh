#!/usr/bin/env bash
# The store benchmark of issue 2: hacktree against its anchors (ostree, git, cp -al) on W1,
# a real Debian rootfs. Machines here are shared and noisy (the same command varies 2x between
# runs), so hacktree and its anchor run alternately, fresh repository and destination each
# time, and only medians from one run of this script are compared.
#
# usage: bench/store.sh [--runs N] [--anchors-only] [--no-artifacts] [--no-build] [--keep]
#                       [--baseline DIR]
#   --runs N         timed runs of each command (default 3)
#   --anchors-only   time only ostree, git and cp -al (checks this script while hacktree's
#                    commands are missing)
#   --no-artifacts   skip part (d): packing, importing and composing the 156 .deb files
#   --no-build       run the repository's dist/ as it is, instead of a build of the sources
#                    made in the work directory
#   --keep           keep the work directory (repositories, checkouts, logs)
#   --baseline DIR   also time the hacktree built in DIR (another checkout, e.g. a
#                    `git worktree add DIR REV` after `npm run build` there) in the same rounds,
#                    taking turns with this one, and add a table of this one against it
# env: HACKTREE_BENCH_DIR (where the work directory goes; default /var/tmp; it must be on one
#      filesystem with itself, since checkouts are hardlinks), HACKTREE_TEST_CACHE (see
#      test/fixtures/ensureW1.sh).
# Prints a markdown table on stdout and writes it to bench/results/store-latest.md.
# Needs root (W1 holds device nodes), ostree, git, GNU time (/usr/bin/time) and dpkg-deb.
set -euo pipefail

runs=3
anchors_only=false
with_artifacts=true
keep=false
build=true
baseline_dir=
while (($#)); do
  case $1 in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --anchors-only) anchors_only=true; shift ;;
    --no-artifacts) with_artifacts=false; shift ;;
    --keep) keep=true; shift ;;
    --no-build) build=false; shift ;;
    --baseline) baseline_dir=${2:?--baseline needs a directory}; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/store.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench/store.sh: --runs wants a positive number, not $runs" >&2; exit 2; }

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
results_file=$top/bench/results/store-latest.md

for tool in /usr/bin/time ostree git dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "bench/store.sh: $tool is missing (bash .ci/run installs it)" >&2; exit 1; }
done

# say, bench_w1 and bench_snapshot; this script keeps its own options and its own median (by
# sample key).
source "$top/bench/lib.sh"

w1=$(bench_w1)
w1_nodev=$(dirname "$w1")/rootfs-nodev
w1_debs=$(dirname "$w1")/debs

work=$(mktemp -d "${HACKTREE_BENCH_DIR:-/var/tmp}/hacktree-bench.XXXXXX")
mkdir -p "$work/samples" "$work/logs"
cleanup() {
  if $keep; then say "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# The benchmark runs its own build: others rebuilding dist/ in this tree during the minutes
# it runs would otherwise swap the code under it halfway.
hacktree=("$top/bin/hacktree")
revision=$(git -C "$top" describe --always --dirty 2>/dev/null || echo '?')
if $build && ! $anchors_only; then
  bench_snapshot
  hacktree=("$snapshot/bin/hacktree")
fi
baseline=()
if [[ -n $baseline_dir ]]; then
  [[ -x $baseline_dir/bin/hacktree && -d $baseline_dir/dist/bin ]] ||
    { echo "bench/store.sh: --baseline $baseline_dir holds no built hacktree (bin/hacktree, dist/bin: npm run build there)" >&2; exit 2; }
  baseline=("$baseline_dir/bin/hacktree")
  baseline_revision=$(git -C "$baseline_dir" describe --always --dirty 2>/dev/null || echo '?')
fi

notes=()
note() { notes+=("$*"); say "note: $*"; }

# ---- measuring -----------------------------------------------------------------------------

# timed KEY CMD...: runs CMD once, appends "seconds max_rss_kb" to samples/KEY. Dirty pages
# from the previous run are flushed first so one run's writeback is not billed to the next.
timed() {
  local key=$1; shift
  local n=1 log t0 t1 status=0
  [[ ! -e $work/samples/$key ]] || n=$(($(wc -l <"$work/samples/$key") + 1))
  log=$work/logs/$key.$n.log
  sync
  t0=$(date +%s.%N)
  /usr/bin/time -f %M -o "$work/rss" "$@" >"$log" 2>&1 || status=$?
  t1=$(date +%s.%N)
  if ((status != 0)); then
    say "FAILED (exit $status): $*"
    tail -n 20 "$log" | sed 's/^/  | /' >&2
    note "**$key failed** (exit $status): \`$*\` (last line: $(tail -n 1 "$log" | tr '|' '/'))"
    report
    exit 1
  fi
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $(tail -n 1 "$work/rss")" >>"$work/samples/$key"
  say "$key run $n: $(tail -n 1 "$work/samples/$key" | awk '{ printf "%s s, %.0f MB", $1, $2 / 1024 }')"
}

# untimed CMD...: setup and teardown steps; a failure stops the benchmark just as clearly.
untimed() {
  local log=$work/logs/untimed.log status=0
  "$@" >"$log" 2>&1 || status=$?
  if ((status != 0)); then
    say "FAILED (exit $status): $*"
    tail -n 20 "$log" | sed 's/^/  | /' >&2
    note "**setup step failed** (exit $status): \`$*\`"
    report
    exit 1
  fi
}

median() { # KEY -> median seconds, or nothing when there are no samples
  [[ -s $work/samples/$1 ]] || return 0
  awk '{ print $1 }' "$work/samples/$1" | sort -n |
    awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

max_rss_mb() { # KEY -> the largest max RSS of its runs, in MB
  [[ -s $work/samples/$1 ]] || return 0
  awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { printf "%.0f", m / 1024 }' "$work/samples/$1"
}

# ---- the table -----------------------------------------------------------------------------

rows=()
# row OPERATION HACKTREE_KEY ANCHOR_LABEL ANCHOR_KEY TARGET_KIND LIMIT AIM
#   TARGET_KIND: ratio (hacktree/anchor must be below LIMIT) or seconds (hacktree median must
#   be below LIMIT) or none. AIM is shown next to the limit when not "-".
row() {
  local op=$1 hkey=$2 alabel=$3 akey=$4 kind=$5 limit=$6 aim=$7
  local h a ratio="—" target="—" value=""
  h=$(median "$hkey")
  a=$([[ $akey == - ]] || median "$akey")
  # Three places: judged on two, 0.470 / 3.239 = 0.145 read as 0.15, "missed" under 0.15.
  [[ -n $h && -n $a ]] && ratio=$(awk -v h="$h" -v a="$a" 'BEGIN { printf "%.3f", h / a }')
  case $kind in
    ratio) target="ratio < $limit"; value=$([[ $ratio == — ]] || echo "$ratio") ;;
    seconds) target="< $limit s"; value=$h ;;
  esac
  [[ $aim == - ]] || target+=" (aim $aim)"
  if [[ -n $value ]]; then
    target+=$(awk -v v="$value" -v l="$limit" 'BEGIN { print (v < l) ? ": met" : ": **missed**" }')
  fi
  rows+=("| $op | ${h:-—} | $alabel | ${a:-—} | $ratio | $target |")
}

memory_rows=()
memory_row() { # OPERATION KEY
  local mb
  mb=$(max_rss_mb "$2")
  [[ -n $mb ]] || return 0
  memory_rows+=("| $1 | $mb | < 400 MB$(awk -v m="$mb" 'BEGIN { print (m < 400) ? ": met" : ": **missed**" }') |")
}

baseline_row() { # OPERATION KEY: this hacktree's median against the baseline's (key base-KEY)
  local h b
  h=$(median "$2")
  b=$(median "base-$2")
  [[ -n $h && -n $b ]] || return 0
  baseline_rows+=("| $1 | $h | $b | $(awk -v h="$h" -v b="$b" 'BEGIN { r = h / b; printf "%.3f | ratio <= 1.05: %s", r, (r <= 1.05) ? "met" : "**missed**" }') |")
}

report() {
  rows=()
  memory_rows=()
  row "commit W1 into an empty repo" commit "ostree commit (bare, W1 without /dev)" ostree-commit ratio 1.0 0.75
  row "commit W1 into an empty repo" commit "git add -A && git commit" git-commit ratio 0.3 -
  row "checkout of that commit" checkout "cp -al of a checkout" cp-al ratio 1.5 1.25
  row "checkout of that commit" checkout "ostree checkout" ostree-checkout ratio 1.0 -
  row "second commit of the unchanged tree" commit-again "the first commit (hacktree)" commit ratio 0.15 -
  row "import the 156 .deb artifacts" import "—" - none - -
  row "compose a root from them" compose "—" - seconds 1 -
  row "hacktree --version" version "node -e '' (node's own start-up)" node-startup seconds 0.3 -
  row "hacktree --help" help "node -e '' (node's own start-up)" node-startup seconds 0.3 -
  memory_row "commit W1 into an empty repo" commit
  memory_row "second commit of the unchanged tree" commit-again
  memory_row "checkout" checkout
  memory_row "import the 156 .deb artifacts" import
  memory_row "compose" compose
  memory_row "--version" version
  memory_row "--help" help
  baseline_rows=()
  if ((${#baseline[@]})); then
    baseline_row "commit W1 into an empty repo" commit
    baseline_row "checkout of that commit" checkout
    baseline_row "second commit of the unchanged tree" commit-again
    baseline_row "import the 156 .deb artifacts" import
    baseline_row "compose a root from them" compose
    baseline_row "hacktree --version" version
    baseline_row "hacktree --help" help
  fi
  {
    echo "# hacktree store benchmark"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), hacktree $revision," \
      "$(nproc) cores, $(uname -r), work dir on $(stat -f -c %T "$work"); W1: $w1_entries entries, $w1_size." \
      "Median of $runs alternating runs each, page cache warm; \`bash bench/store.sh$( ((runs == 3)) || echo " --runs $runs")\`."
    echo
    echo "| operation | hacktree median (s) | anchor | anchor median (s) | ratio | target |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    if ((${#memory_rows[@]})); then
      echo "| hacktree operation | peak memory, max RSS over runs (MB) | target |"
      echo "|---|---|---|"
      printf '%s\n' "${memory_rows[@]}"
      echo
    fi
    if ((${#baseline[@]})); then
      echo "Against the baseline, hacktree $baseline_revision, timed in the same rounds (taking turns):"
      echo
      echo "| operation | hacktree median (s) | baseline median (s) | ratio | target |"
      echo "|---|---|---|---|---|"
      printf '%s\n' "${baseline_rows[@]}"
      echo
    fi
    if ((${#notes[@]})); then
      echo "Notes:"
      printf -- '- %s\n' "${notes[@]}"
    fi
  } | tee "$results_file.new"
  mv "$results_file.new" "$results_file"
}

# ---- the runs ------------------------------------------------------------------------------

mkdir -p "$(dirname "$results_file")"
w1_entries=$(find "$w1" -xdev | wc -l)
w1_size=$(du -sh "$w1" | cut -f1)
if $anchors_only; then note "anchors only (--anchors-only): hacktree was not run"; fi

say "warm-up: reading W1 once, untimed"
# Through cat: GNU tar reads nothing when its output is /dev/null.
tar -C "$w1" -cf - . | cat >/dev/null
tar -C "$w1_nodev" -cf - . | cat >/dev/null

export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost

# Nothing is removed between timed runs (the work directory goes at exit): this ext4 has no
# journal, and then the inode allocator passes over every inode freed in the last minute or
# more (ext4's recently_deleted()), reading its inode table block: after removing a round's
# repositories, whichever tool ran next paid up to ~3 s of kernel time creating files (seen in
# perf as find_inode_bit/recently_deleted). The tools also take turns at going first, since
# each leaves its writes to the page cache's writeback for the next to share the disk with.

# (a) commit, and (c) the same tree again; the last round's repositories serve (b).
commit_hacktree() {
  untimed "${hacktree[@]}" init --repo "$round/hacktree"
  timed commit "${hacktree[@]}" root commit root-w1 --tree "dir=$w1" --repo "$round/hacktree"
  timed commit-again "${hacktree[@]}" root commit root-w1 --tree "dir=$w1" --repo "$round/hacktree"
}
commit_baseline() {
  untimed "${baseline[@]}" init --repo "$round/baseline"
  timed base-commit "${baseline[@]}" root commit root-w1 --tree "dir=$w1" --repo "$round/baseline"
  timed base-commit-again "${baseline[@]}" root commit root-w1 --tree "dir=$w1" --repo "$round/baseline"
}
commit_ostree() {
  untimed ostree --repo="$round/ostree" init --mode=bare
  timed ostree-commit ostree commit --repo="$round/ostree" -b w1 --tree=dir="$w1_nodev"
}
commit_git() {
  untimed git init -q --bare "$round/git"
  # gc.auto=0: git's automatic gc would otherwise pack in the background, during the next run.
  timed git-commit env GIT_DIR="$round/git" GIT_WORK_TREE="$w1" \
    bash -c 'git -c gc.auto=0 add -A && git -c gc.auto=0 commit -q -m w1'
}
# take_turns ROUND TOOL...: runs each tool once, the one at position ROUND (from 1, wrapping
# around) first.
take_turns() {
  local first=$1 t
  shift
  for ((t = 0; t < $#; t++)); do
    local at=$(((first - 1 + t) % $# + 1))
    "${!at}"
  done
}
# Repositories are created untimed for every tool alike: the comparison is the commit.
commit_tools=(commit_ostree commit_git)
$anchors_only || commit_tools=(commit_hacktree "${commit_tools[@]}")
((${#baseline[@]} == 0)) || commit_tools+=(commit_baseline)
for ((i = 1; i <= runs; i++)); do
  round=$work/commit.$i
  mkdir -p "$round"
  take_turns "$i" "${commit_tools[@]}"
done
last=$work/commit.$runs

# (b) checkout; cp -al copies the hacktree checkout of its round (the ostree one without it).
checkout_hacktree() { timed checkout "${hacktree[@]}" checkout root-w1 "$round/hacktree" --repo "$last/hacktree"; }
checkout_ostree() { timed ostree-checkout ostree checkout --repo="$last/ostree" w1 "$round/ostree"; }
checkout_baseline() { timed base-checkout "${baseline[@]}" checkout root-w1 "$round/baseline" --repo "$last/baseline"; }
checkout_tools=(checkout_ostree)
$anchors_only || checkout_tools=(checkout_hacktree "${checkout_tools[@]}")
((${#baseline[@]} == 0)) || checkout_tools+=(checkout_baseline)
if $anchors_only; then note "cp -al copied the ostree checkout (W1 without /dev), not a hacktree checkout"; fi
for ((i = 1; i <= runs; i++)); do
  round=$work/checkout.$i
  mkdir -p "$round"
  take_turns "$i" "${checkout_tools[@]}"
  cp_source=$round/hacktree
  $anchors_only && cp_source=$round/ostree
  timed cp-al cp -al "$cp_source" "$round/cp"
done

# (e) start-up time, against node's own start-up; taking turns at going first, as above.
startup_hacktree() { timed version "${hacktree[@]}" --version; timed help "${hacktree[@]}" --help; }
startup_baseline() { timed base-version "${baseline[@]}" --version; timed base-help "${baseline[@]}" --help; }
startup_node() { timed node-startup node -e ''; }
startup_tools=(startup_node)
$anchors_only || startup_tools=(startup_hacktree "${startup_tools[@]}")
((${#baseline[@]} == 0)) || startup_tools+=(startup_baseline)
for ((i = 1; i <= runs; i++)); do
  take_turns "$i" "${startup_tools[@]}"
done

# (d) the 156 real packages as artifacts; last, since it needs the most of hacktree.
# `--help` of a missing subcommand still exits 0 (yargs shows the parent's help), so look for
# the command's own usage line.
has_command() { "${hacktree[@]}" "$@" --help 2>/dev/null | grep "^hacktree $* " >/dev/null; }
if ! $with_artifacts; then
  note "part (d), artifacts, skipped (--no-artifacts)"
elif $anchors_only; then
  :
elif ! has_command artifact pack || ! has_command artifact import || ! has_command root compose; then
  note "part (d), artifacts, skipped: this hacktree lacks \`artifact pack\`, \`artifact import\` or \`root compose\`"
else
  say "packing the .deb files as artifacts (untimed)"
  artifacts=$work/artifacts
  mkdir -p "$artifacts" "$work/roots"
  components=()
  for deb in "$w1_debs"/*.deb; do
    pkg=$(dpkg-deb -f "$deb" Package)
    version=$(dpkg-deb -f "$deb" Version)
    tree=$work/debs/$pkg
    mkdir -p "$tree"
    # As root, tar keeps the packages' owners and modes, as dpkg would install them.
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tree"
    # Artifact versions carry no Debian epoch, like .deb file names.
    untimed "${hacktree[@]}" artifact pack "$tree" --name "$pkg" --version "${version#*:}" \
      --root 12-opt-x86_64 --flavor opt --arch x86_64 --out "$artifacts"
    components+=("\"$pkg\"")
  done
  shopt -s nullglob
  tarballs=("$artifacts"/*.tar.gz)
  shopt -u nullglob
  ((${#tarballs[@]})) || { note "**artifact pack made no .tar.gz files in $artifacts**"; report; exit 1; }
  # A devel root takes every component's -runtime and -devel artifact: all the packed tarballs.
  printf '{ "version": "12", "arches": ["x86_64"], "runtime": [%s] }\n' "$(IFS=,; echo "${components[*]}")" >"$work/roots/12.json"
  note "import: ${#tarballs[@]} artifacts from ${#components[@]} packages; compose: \`root compose 12-devel-opt-x86_64\` of all of them, after the import"
  for ((i = 1; i <= runs; i++)); do
    repo=$work/artifacts-repo.$i
    untimed "${hacktree[@]}" init --repo "$repo"
    timed import "${hacktree[@]}" artifact import "${tarballs[@]}" --repo "$repo"
    timed compose "${hacktree[@]}" root compose 12-devel-opt-x86_64 --roots "$work/roots" --artifacts "$artifacts" --repo "$repo"
    if ((${#baseline[@]})); then
      untimed "${baseline[@]}" init --repo "$repo.baseline"
      timed base-import "${baseline[@]}" artifact import "${tarballs[@]}" --repo "$repo.baseline"
      timed base-compose "${baseline[@]}" root compose 12-devel-opt-x86_64 --roots "$work/roots" --artifacts "$artifacts" --repo "$repo.baseline"
    fi
  done
fi

report
