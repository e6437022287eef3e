#!/usr/bin/env bash
# How often hacktree's -runtime/-devel split agrees with Debian's own placement of library and
# header files, on the real .deb packages of the W1 workload (test/fixtures/ensureW1.sh; its
# debs/ directory beside the rootfs).
#
# Packages measured, read from each .deb's control fields:
#   development packages   name ending in -dev, or Section libdevel (libc6-dev, libgcc-12-dev,
#                          libstdc++-12-dev, linux-libc-dev, libc-dev-bin...): Debian says -devel;
#   runtime library pkgs   the other packages named lib* (Debian policy 8.1 names shared library
#                          packages lib<name><soversion>) or in Section libs (zlib1g) that ship
#                          a shared library, a file or link named lib*.so.N or lib*.so under a
#                          lib directory (libc6, libstdc++6, zlib1g, libctf0, libdb5.3 with its
#                          libdb-5.3.so...): Debian says -runtime.
#   Other packages are not measured: tools and data (gcc-12, make, rpcsvc-proto, libpam-modules'
#   pam_*.so modules). Those that hold library or header files anyway are listed apart, with
#   where hacktree puts those files.
# Library and header files: the regular files and symlinks of those packages whose path is
#   - under usr/include/ (any name: C++ headers have no suffix), or
#   - under a lib directory (lib, lib32, lib64, libx32 and the same under usr/, at any depth)
#     with a name ending in .h .hh .hpp .hxx .so .so.<digit>... .a .la .o .pc, or
#   - a .pc file under usr/share/pkgconfig/.
# Each package is unpacked (dpkg-deb -x) and packed with `hacktree artifact pack`, as a build's
# DESTDIR is; a file agrees when the tarball of the kind Debian implies holds it. Agreement is
# agreeing files / measured files, with every disagreement listed.
#
# usage: bench/split-agreement.sh [--no-build] [--keep]
# env: HACKTREE_BENCH_DIR (work directory parent; default /var/tmp).
# Prints a markdown report on stdout and writes it to bench/results/split-agreement-latest.md.
# Needs root (W1, and owners kept when unpacking). Takes about a minute.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_options split-agreement "$@"
bench_workdir

bin=$top/bin/hacktree
if $build; then
  bench_snapshot
  bin=$snapshot/bin/hacktree
fi
debs=$(dirname "$(bench_w1)")/debs
[[ -d $debs ]] || { echo "bench/split-agreement.sh: no $debs beside the W1 rootfs" >&2; exit 1; }

# The in-scope test and the shared library test, as awk patterns over a package-relative path.
in_scope='/^usr\/include\// || (/^(usr\/)?lib(32|64|x32)?\// && /\.(h|hh|hpp|hxx|so|so\.[0-9][^\/]*|a|la|o|pc)$/) || /^usr\/share\/pkgconfig\/[^\/]*\.pc$/'
shared_library='/^(usr\/)?lib(32|64|x32)?\/(.*\/)?lib[^\/]*\.so(\.[0-9][^\/]*)?$/'

say "unpacking and packing the development and runtime library packages"
: >"$work/measured"
: >"$work/unmeasured"
: >"$work/packages"
for deb in "$debs"/*.deb; do
  pkg=$(dpkg-deb -f "$deb" Package)
  section=$(dpkg-deb -f "$deb" Section)
  tree=$work/trees/$pkg
  mkdir -p "$tree"
  dpkg-deb -x "$deb" "$tree"
  (cd "$tree" && find . \( -type f -o -type l \) -printf '%P\n' | LC_ALL=C sort) >"$work/files"
  if [[ $pkg == *-dev || $section == libdevel ]]; then
    debian=devel
  elif [[ $pkg == lib* || $section == libs ]] && awk "$shared_library { found = 1 } END { exit !found }" "$work/files"; then
    debian=runtime
  else
    debian=
  fi
  awk "$in_scope" "$work/files" >"$work/scoped"
  if [[ -z $debian && ! -s $work/scoped ]]; then
    rm -rf "$tree"
    continue
  fi
  out=$work/artifacts/$pkg
  "$bin" artifact pack "$tree" --name "$pkg" --version 0 --root 12-opt-x86_64 --flavor opt --out "$out" >/dev/null
  for kind in runtime devel; do
    tar -tzf "$out/$pkg-$kind,"*.tar.gz | sed 's|^\./||; s|/$||' | LC_ALL=C sort >"$work/$kind.list"
  done
  # One line per file: package, Debian's kind (or "-"), hacktree's kind, path.
  awk -v pkg="$pkg" -v debian="${debian:--}" -v runtime="$work/runtime.list" -v devel="$work/devel.list" '
    BEGIN {
      while ((getline line < runtime) > 0) inRuntime[line] = 1
      while ((getline line < devel) > 0) inDevel[line] = 1
    }
    {
      split_ = inRuntime[$0] && inDevel[$0] ? "both" : inRuntime[$0] ? "runtime" : inDevel[$0] ? "devel" : "neither"
      print pkg "\t" debian "\t" split_ "\t" $0
    }' "$work/scoped" >>"$([[ -n $debian ]] && echo "$work/measured" || echo "$work/unmeasured")"
  [[ -n $debian ]] && echo "$pkg $debian" >>"$work/packages"
  rm -rf "$tree"
done

measured=$(wc -l <"$work/measured")
((measured > 0)) || { echo "bench/split-agreement.sh: no library or header files found in $debs" >&2; exit 1; }
agreeing=$(awk -F'\t' '$2 == $3' "$work/measured" | wc -l)
percent=$(awk -v a="$agreeing" -v m="$measured" 'BEGIN { printf "%.1f", 100 * a / m }')
{
  echo "# hacktree's split against Debian's -dev packages ($(date -u +%Y-%m-%dT%H:%MZ), $revision)"
  echo
  echo "W1's $(find "$debs" -name '*.deb' | wc -l) .deb files; $(wc -l <"$work/packages") measured: $(grep -c ' devel$' "$work/packages") development packages (name \`*-dev\` or Section libdevel) and $(grep -c ' runtime$' "$work/packages") runtime library packages (named \`lib*\` or in Section libs, shipping a \`lib*.so.N\` or \`lib*.so\`). Each unpacked package is packed with \`hacktree artifact pack\`; a library or header file agrees when it lands in the split Debian's package kind implies (definitions: the header of \`bench/split-agreement.sh\`)."
  echo
  echo "**Agreement: $agreeing of $measured library and header files, $percent%.**"
  echo
  echo "| package | Debian | files | agree |"
  echo "|---|---|---|---|"
  awk -F'\t' '{ files[$1 "|" $2]++; if ($2 == $3) agree[$1 "|" $2]++ }
    END { for (k in files) { split(k, p, "|"); printf "| %s | %s | %d | %d |\n", p[1], p[2], files[k], agree[k] } }' "$work/measured" | LC_ALL=C sort
  echo
  echo "## Disagreements"
  echo
  if awk -F'\t' '$2 != $3 { found = 1 } END { exit !found }' "$work/measured"; then
    echo "| package | path | Debian | hacktree |"
    echo "|---|---|---|---|"
    awk -F'\t' '$2 != $3 { printf "| %s | `%s` | %s | %s |\n", $1, $4, $2, $3 }' "$work/measured"
  else
    echo "None."
  fi
  if [[ -s $work/unmeasured ]]; then
    echo
    echo "## Not measured: library or header files in other packages"
    echo
    echo "| package | files | hacktree -runtime | hacktree -devel |"
    echo "|---|---|---|---|"
    awk -F'\t' '{ files[$1]++; kinds[$1 "|" $3]++ }
      END { for (p in files) printf "| %s | %d | %d | %d |\n", p, files[p], kinds[p "|runtime"], kinds[p "|devel"] }' "$work/unmeasured" | LC_ALL=C sort
  fi
} | tee "$results_file"
