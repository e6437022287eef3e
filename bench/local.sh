#!/usr/bin/env bash
# Local branches (issue 3): how long redeploying takes after installing one small local artifact,
# into the Debian-packages root (W1's 156 .deb files packed and composed as a devel root) and
# into a W1-sized root (W1 committed as one tree). Target: under 1 s, growing with the change,
# not with the root. Everything that mounts runs in a private mount namespace.
#
# usage: bench/local.sh [--runs N] [--no-build] [--keep]
# env: HACKTREE_BENCH_DIR (work directory parent; default /var/tmp), HACKTREE_TEST_CACHE.
# Prints a markdown table on stdout and writes it to bench/results/local-latest.md.
# Needs root, dpkg-deb, unshare.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_options local "$@"
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
