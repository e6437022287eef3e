#!/usr/bin/env bash
# Local branches (issue 3): how long redeploying takes after installing one small local artifact,
# into the Debian-packages root (W1's 156 .deb files packed and composed as a devel root) and
# into a W1-sized root (W1 committed as one tree). Target: under 1 s, growing with the change,
# not with the root. Everything that mounts runs in a private mount namespace.
#
# With --one-file (issue 14): only the W1-sized root, deployed, and a developer's loop on it:
# `root install-local` (with its redeploy) of a one-file local artifact whose content is new
# each time (a new build: nothing of it is in the store yet), replacing the one before.
# Target: under 0.5 s end to end. With --baseline DIR, the hacktree built in DIR (another
# checkout, `npm run build` there) takes turns with this one on the same root, each with
# artifacts of its own, and the table adds their ratio.
#
# usage: bench/local.sh [--runs N] [--no-build] [--keep] [--one-file [--baseline DIR]]
# env: HACKTREE_BENCH_DIR (work directory parent; default /var/tmp), HACKTREE_TEST_CACHE.
# Prints a markdown table on stdout and writes it to bench/results/local-latest.md
# (--one-file: bench/results/local-one-file-latest.md).
# Needs root, dpkg-deb, unshare, GNU time.
set -euo pipefail

one_file=false
baseline_dir=
args=()
while (($#)); do
  case $1 in
    --one-file) one_file=true; shift ;;
    --baseline) baseline_dir=${2:?--baseline needs a directory}; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_options local "${args[@]}"
if [[ -n $baseline_dir ]]; then
  $one_file || { echo "bench/local.sh: --baseline goes with --one-file" >&2; exit 2; }
  [[ -x $baseline_dir/bin/hacktree && -d $baseline_dir/dist/bin ]] ||
    { echo "bench/local.sh: --baseline $baseline_dir holds no built hacktree (bin/hacktree, dist/bin: npm run build there)" >&2; exit 2; }
  baseline_revision=$(git -C "$baseline_dir" describe --always --dirty 2>/dev/null || echo "$(basename "$baseline_dir")")
fi
w1=$(bench_w1)
w1_debs=$(dirname "$w1")/debs

bench_workdir

bin=$top/bin/hacktree
if $build; then
  bench_snapshot
  bin=$snapshot/bin/hacktree
fi
export HACKTREE_REPO=$work/repo
ht() { "$bin" "$@"; }

if $one_file; then
  results_file=$top/bench/results/local-one-file-latest.md
  root=2.0-runtime-opt-x86_64
  say "committing W1 as root-$root (untimed)"
  ht init -q
  ht root commit "root-$root" --tree "dir=$w1" -q >/dev/null
  # One artifact per timed install and tool, and one for the untimed first install (which makes
  # the local branch): each a 4 KiB file of new random bytes, as a rebuild makes.
  tools=(new)
  [[ -z $baseline_dir ]] || tools+=(base)
  say "packing $((runs * ${#tools[@]} + 1)) one-file local artifacts (untimed)"
  for ((i = 0; i <= runs * ${#tools[@]}; i++)); do
    mkdir -p "$work/one/$i/usr/share/benchtool"
    head -c 4096 /dev/urandom >"$work/one/$i/usr/share/benchtool/f0"
    ht artifact pack "$work/one/$i" --name benchtool --version 1 --root 2.0-opt-x86_64 --flavor opt --origin local --out "$work/one-art/$i" -q >/dev/null
  done
  prefix=$work/prefix
  mkdir -p "$prefix"
  export prefix bin work runs root
  export base_bin=${baseline_dir:+$baseline_dir/bin/hacktree}
  say "timing in a private mount namespace"
  cut -d' ' -f1-3 /proc/loadavg >"$work/load"
  unshare -m --propagation private bash -euo pipefail -c '
    art() { ls "$work/one-art/$1"/benchtool-runtime,*; }
    # Wall-clock ms, then user+system CPU ms (GNU time), of one command.
    timed() {
      local t0 t1
      t0=$(date +%s%N)
      /usr/bin/time -f "%U %S" -o "$work/cpu" "$@" >/dev/null
      t1=$(date +%s%N)
      echo "$(((t1 - t0) / 1000000)) $(awk "{ printf \"%d\", (\$1 + \$2) * 1000 }" "$work/cpu")"
    }
    "$bin" root checkout $root --prefix $prefix -q
    "$bin" root install-local "$(art 0)" --root $root --prefix $prefix -q
    n=1
    for ((i = 0; i < runs; i++)); do
      # Taking turns at going first.
      order=(new base); ((i % 2 == 0)) || order=(base new)
      for tool in "${order[@]}"; do
        [[ $tool == new ]] && b=$bin || b=$base_bin
        [[ -n $b ]] || continue
        echo "$tool $(timed "$b" root install-local "$(art $n)" --root $root --prefix $prefix -q)"
        n=$((n + 1))
      done
    done
    "$bin" root reset $root --prefix $prefix -q
    "$bin" fsck -q >&2
  ' >"$work/times"
  column() { awk -v t="$1" -v f="$2" "\$1 == t { print \$f }" "$work/times"; }
  row() { # TOOL LABEL
    local wall cpu
    wall=$(median $(column "$1" 2)); cpu=$(median $(column "$1" 3))
    echo "| $2 | $wall | $cpu | $([ "$wall" -lt 500 ] && echo met || echo "**missed**") |"
  }
  {
    echo "$(date -u '+%Y-%m-%d %H:%M') UTC, hacktree $revision, $(nproc) cores, $(uname -r). Median of $runs runs (ms); \`bash bench/local.sh --one-file${baseline_dir:+ --baseline DIR} --runs $runs\`."
    echo
    echo "| root install-local of a one-file artifact (4 KiB, new content each run), with its redeploy, on W1 committed as one tree and deployed | wall (ms) | CPU user+sys (ms) | target: wall < 0.5 s |"
    echo "|---|---|---|---|"
    row new "hacktree $revision"
    if [[ -n $baseline_dir ]]; then
      row base "baseline: hacktree $baseline_revision"
      echo
      echo "This one against the baseline (same rounds, taking turns): wall $(awk -v h="$(median $(column new 2))" -v b="$(median $(column base 2))" 'BEGIN { printf "%.2f", h / b }'), CPU $(awk -v h="$(median $(column new 3))" -v b="$(median $(column base 3))" 'BEGIN { printf "%.2f", h / b }')."
    fi
    echo
    echo "Each install replaces the local component the one before installed (the first, untimed, made the local branch), commits on local/root-$root and redeploys: a layer over the deployed master's checkout, published beneath the mount and switched to. Everything runs in one private mount namespace; \`hacktree fsck\` was clean after."
    echo "Wall time is what the command takes end to end, node's start-up included; the CPU time is less subject to the other processes of a shared machine. Load average when the timing began: $(cat "$work/load")."
  } | tee "$results_file.new"
  mv "$results_file.new" "$results_file"
  exit 0
fi

say "packing the .deb files as artifacts and composing (untimed)"
ht init -q
artifacts=$work/artifacts
mkdir -p "$artifacts" "$work/roots"
components=()
for deb in "$w1_debs"/*.deb; do
  pkg=$(dpkg-deb -f "$deb" Package)
  version=$(dpkg-deb -f "$deb" Version)
  tree=$work/debs/$pkg
  mkdir -p "$tree"
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tree"
  ht artifact pack "$tree" --name "$pkg" --version "${version//:/_}" --root 1.0-opt-x86_64 --flavor opt --out "$artifacts" -q >/dev/null
  components+=("$pkg")
done
rm -rf "$work/debs"
printf '{"version":"1.0","arches":["x86_64"],"runtime":[%s]}\n' "$(printf '"%s",' "${components[@]}" | sed 's/,$//')" >"$work/roots/1.0.json"
ht root compose 1.0-devel-opt-x86_64 --roots "$work/roots" --artifacts "$artifacts" -q >/dev/null
say "committing W1 as root-2.0-runtime-opt-x86_64 (untimed)"
ht root commit root-2.0-runtime-opt-x86_64 --tree "dir=$w1" -q >/dev/null

# The local artifacts: a small one (one 4 KiB file) and a bigger one (1000 files, ~40 MB),
# built against each root.
make_local() { # dir files bytes
  mkdir -p "$1/usr/share/benchtool"
  for ((i = 0; i < $2; i++)); do head -c "$3" /dev/urandom >"$1/usr/share/benchtool/f$i"; done
}
make_local "$work/small" 1 4096
make_local "$work/big" 1000 40960
for r in 1.0 2.0; do
  for size in small big; do
    ht artifact pack "$work/$size" --name "benchtool-$size" --version 1 --root "$r-opt-x86_64" --flavor opt --origin local --out "$work/local-$r" -q >/dev/null
  done
done

prefix=$work/prefix
mkdir -p "$prefix"
export prefix bin work runs
say "timing in a private mount namespace"
cut -d' ' -f1-3 /proc/loadavg >"$work/load"
unshare -m --propagation private bash -euo pipefail -c '
  ht() { "$bin" "$@"; }
  ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }
  median() { printf "%s\n" "$@" | sort -n | sed -n "$(((${#} + 1) / 2))p"; }
  for root in 1.0-devel-opt-x86_64 2.0-runtime-opt-x86_64; do
    ht root checkout $root --prefix $prefix -q
    for size in small big; do
      art=$(ls $work/local-${root%%-*}/benchtool-$size-runtime,*)
      commit=(); redeploy=(); total=()
      for ((i = 0; i < runs; i++)); do
        commit+=("$(ms ht root install-local "$art" --root $root --prefix $prefix --no-deploy -q)")
        redeploy+=("$(ms ht root checkout $root --prefix $prefix -q)")
        ht root reset $root --prefix $prefix -q
        total+=("$(ms ht root install-local "$art" --root $root --prefix $prefix -q)")
        ht root reset $root --prefix $prefix -q
      done
      echo "$root $size $(median "${commit[@]}") $(median "${redeploy[@]}") $(median "${total[@]}")"
    done
  done
' >"$work/times"

{
  echo "$(date -u '+%Y-%m-%d %H:%M') UTC, hacktree $revision, $(nproc) cores, $(uname -r). Median of $runs runs (ms); \`bash bench/local.sh\`."
  echo
  echo "| root | local artifact | install-local --no-deploy | redeploy (root checkout of the local tip) | install-local with redeploy | target: redeploy < 1 s | install-local with redeploy < 1 s |"
  echo "|---|---|---|---|---|---|---|"
  while read -r root size commit redeploy total; do
    what=$([ "$size" = small ] && echo "1 file, 4 KiB" || echo "1000 files, 40 MiB")
    verdict=$([ "$redeploy" -lt 1000 ] && echo "met" || echo "**missed**")
    total_verdict=$([ "$total" -lt 1000 ] && echo "met" || echo "**missed**")
    echo "| $root | $what | $commit | $redeploy | $total | $verdict | $total_verdict |"
  done <"$work/times"
  echo
  echo "Roots: 1.0-devel-opt-x86_64 is the 156 W1 packages composed; 2.0-runtime-opt-x86_64 is W1 committed as one tree."
  echo "The redeploy checks out only what changed, as an overlayfs layer over the deployed master's full checkout: it grows with the local artifact, not with the root."
  echo "Each local artifact is imported in the first run; with more than one run the medians are of runs that find it imported already."
  echo "Load average when the timing began: $(cat "$work/load")."
} | tee "$results_file.new"
mv "$results_file.new" "$results_file"
