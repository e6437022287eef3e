#!/usr/bin/env bash
# Static repositories (issue 16) on the Debian-packages roots: the 156 .deb files W1 was made
# from, each packed as an artifact, compose root 12-devel-opt-x86_64; root 13-devel-opt-x86_64
# is the same but for two packages rebuilt (coreutils and tar: one byte appended to each of
# their files). Both are published into a static repository served by nginx on 127.0.0.1. Each
# run pulls the first root into an empty repository, then the second into the same one; the
# bytes nginx sent for each pull (its access log) are set against the two changed packages'
# size as a zstd'd tar (the second pull should carry those two packages and the new root's own
# small pack, nothing the first root already brought). The first pull's time is set against
# `ostree pull` of the same tree (the first root's checkout) from an archive repository on the
# same nginx, per object and through a from-empty static delta, alternating; medians.
#
# usage: bench/static-debs.sh [--runs N] [--keep] [--zstd-level=N]
# env: HACKTREE_BENCH_DIR (work directory parent; default /var/tmp), HACKTREE_TEST_CACHE.
# Prints a markdown table on stdout and writes it to bench/results/static-debs-latest.md.
# Needs a built tree (npm run build), root, nginx, ostree, zstd, dpkg-deb and /usr/bin/time.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
zstd_level=12
bench_extra_option() {
  case $1 in
    --zstd-level=*) zstd_level=${1#--zstd-level=}; return 0 ;;
  esac
  return 1
}
bench_options static-debs "$@"
source "$top/bench/lib-nginx.sh"
for tool in nginx ostree zstd dpkg-deb curl /usr/bin/time; do command -v "$tool" >/dev/null || { say "$tool is missing"; exit 1; }; done

w1=$(bench_w1)
debs=${w1%/rootfs}/debs
changed_packages=(coreutils tar)

static_bench_setup static-debs
pub=$work/pub

say "unpacking the $(ls "$debs"/*.deb | wc -l) .deb files and packing them as artifacts of roots 12 and 13 (untimed)"
mkdir -p "$work/roots" "$work/artifacts-12" "$work/artifacts-13" "$work/changed"
components=()
for deb in "$debs"/*.deb; do
  pkg=$(dpkg-deb -f "$deb" Package)
  version=$(dpkg-deb -f "$deb" Version)
  version=${version#*:}
  tree=$work/debs/$pkg
  mkdir -p "$tree"
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tree"
  "$bin" artifact pack "$tree" --name "$pkg" --version "$version" --root 12-opt-x86_64 --flavor opt --arch x86_64 --out "$work/artifacts-12" -q > /dev/null
  if [[ " ${changed_packages[*]} " == *" $pkg "* ]]; then
    # The rebuilt package: every regular file one byte longer, a new version.
    find "$tree" -type f -exec sh -c 'printf x >> "$1"' _ {} \;
    tar -C "$tree" -cf - . | zstd -q -"$zstd_level" --long=27 -c > "$work/changed/$pkg.tar.zst"
    version=$version.1
  fi
  "$bin" artifact pack "$tree" --name "$pkg" --version "$version" --root 13-opt-x86_64 --flavor opt --arch x86_64 --out "$work/artifacts-13" -q > /dev/null
  components+=("\"$pkg\"")
done
for v in 12 13; do printf '{ "version": "%s", "arches": ["x86_64"], "runtime": [%s] }\n' "$v" "$(IFS=,; echo "${components[*]}")" > "$work/roots/$v.json"; done
changed_zstd=$(cat "$work/changed"/*.tar.zst | wc -c)
changed_debs=0
for pkg in "${changed_packages[@]}"; do changed_debs=$((changed_debs + $(stat -c %s "$debs/${pkg}"_*.deb))); done

say "composing both roots (which imports the artifacts) and publishing them (zstd level $zstd_level)"
"$bin" --repo "$pub" init -q
compose_times=()
for v in 12 13; do compose_times+=("$(timed "$bin" --repo "$pub" root compose "$v-devel-opt-x86_64" --roots "$work/roots" --artifacts "$work/artifacts-$v")"); done
first=$(git --git-dir="$pub" rev-parse root-12-devel-opt-x86_64)
second=$(git --git-dir="$pub" rev-parse root-13-devel-opt-x86_64)
publish_time=$(timed "$bin" --repo "$pub" publish "$work/www/static" 12-devel-opt-x86_64 13-devel-opt-x86_64 --zstd-level "$zstd_level" --json)
packs=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`${r.packsWritten} packs written, ${r.packsReused ?? 0} reused`)' "$work/out.txt" 2>/dev/null || echo '?')

say "the first root's tree into an ostree archive repository, with a from-empty static delta"
"$bin" --repo "$pub" checkout root-12-devel-opt-x86_64 "$work/tree-12" -q
"$bin" --repo "$pub" checkout root-13-devel-opt-x86_64 "$work/tree-13" -q
ostree --repo="$work/www/ostree" init --mode=archive
ostree --repo="$work/www/ostree" commit -b r12 --tree=dir="$work/tree-12" > /dev/null
ostree --repo="$work/www/ostree" commit -b r13 --tree=dir="$work/tree-13" > /dev/null
ostree --repo="$work/www/ostree" static-delta generate --empty --to=r12 > /dev/null
ostree --repo="$work/www/ostree" summary -u > /dev/null
tree_size=$(du -sh "$work/tree-12" | cut -f1)

nginx_start "$work/www"

hacktree_times=(); object_times=(); delta_times=()
for i in $(seq 1 "$runs"); do
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
  say "run $i/$runs: hacktree pull of root 12, then of root 13, from the static repository"
  static_target
  mark=$(log_mark)
  hacktree_times+=("$(timed "$bin" --repo "$work/target" pull s 12-devel-opt-x86_64 -q)")
  first_bytes=$(bytes_since "$mark")
  [[ $(git --git-dir="$work/target" rev-parse root-12-devel-opt-x86_64) == "$first" ]]
  mark=$(log_mark)
  second_time=$(timed "$bin" --repo "$work/target" pull s 13-devel-opt-x86_64 --json)
  second_bytes=$(bytes_since "$mark")
  second_packs=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).static; console.log(`${r.packsFetched} fetched, ${r.packsHere} here`)' "$work/out.txt")
  [[ $(git --git-dir="$work/target" rev-parse root-13-devel-opt-x86_64) == "$second" ]]
  ostree_pull_both r12 "run $i/$runs"
done
say "ostree pull of the second tree into the last ostree target (per object: it shares the first's)"
mark=$(log_mark)
ostree_second_time=$(timed ostree --repo="$work/ostree-target" pull --disable-static-deltas o r13)
ostree_second_bytes=$(bytes_since "$mark")
"$bin" --repo "$work/target" fsck -q

hacktree_median=$(printf '%s\n' "${hacktree_times[@]}" | median)
object_median=$(printf '%s\n' "${object_times[@]}" | median)
delta_median=$(printf '%s\n' "${delta_times[@]}" | median)
best=$(awk -v a="$object_median" -v b="$delta_median" 'BEGIN { print (a < b) ? a : b }')
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "met" : "**missed**" }'; }
limit=$(awk -v z="$changed_zstd" 'BEGIN { print int(z * 1.2) }')

table=$(cat <<TABLE
$(date -u '+%Y-%m-%d %H:%M') UTC, hacktree $revision, $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg); the 156 .deb files of W1 as artifacts, root 12-devel-opt-x86_64 ($tree_size checked out, commit $first) and root 13-devel-opt-x86_64 (${changed_packages[*]} rebuilt, commit $second), published together ($packs); nginx on 127.0.0.1, caches dropped before each run. Median of $runs alternating runs; \`bash bench/static-debs.sh\`.

| pull | median (s) | runs (s) | bytes nginx sent | target |
|---|---|---|---|---|
| \`hacktree pull\` of root 12 into an empty repository | $hacktree_median | ${hacktree_times[*]} | $first_bytes | time <= the faster ostree ($best s): $(verdict "$hacktree_median" "$best"); bytes <= the static delta's ($delta_bytes): $(verdict "$first_bytes" "$delta_bytes") |
| \`ostree pull --disable-static-deltas\` of the same tree (per object) | $object_median | ${object_times[*]} | $object_bytes | — |
| \`ostree pull\` of the same tree through the from-empty static delta | $delta_median | ${delta_times[*]} | $delta_bytes | — |
| \`hacktree pull\` of root 13 after root 12 (last run; packs: $second_packs) | $second_time | — | $second_bytes | <= 1.2x the two changed packages ($limit): $(verdict "$second_bytes" "$limit") |
| \`ostree pull --disable-static-deltas\` of root 13's tree after root 12's | $ostree_second_time | — | $ostree_second_bytes | — |

The two changed packages: $changed_zstd bytes as zstd -$zstd_level tars of their rebuilt files ($changed_debs bytes as the original .deb files). \`root compose\` with the import of its artifacts took ${compose_times[0]} s (root 12) and ${compose_times[1]} s (root 13); \`hacktree publish\` of both roots $publish_time s.
TABLE
)
mkdir -p "$(dirname "$results_file")"
printf '%s\n' "$table" | tee "$results_file"
