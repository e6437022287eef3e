#!/usr/bin/env bash
# Builds the default recipe set (recipes/*.bb) by hand, without hacktree, the way `hacktree
# build` is meant to: proof that the recipes, their mirror and their patch are right, and a
# time per build to compare hacktree's with.
#
# For every recipe, in DEPENDS order: map its upstream SRC_URI through recipes/site.conf's
# PREMIRRORS to Debian's pool, download it, check SRC_URI[sha256sum], unpack, check
# LIC_FILES_CHKSUM (md5 of the file or of lines beginline..endline), apply its patches
# (patch -p1, SRC_URI order), then in bubblewrap (no network, clean environment, / = a
# hardlinked copy of the W1 rootfs plus the DEST trees of the recipe's DEPENDS, read-only;
# /build and /dest bound read-write): ./configure --prefix=/usr ${EXTRA_OECONF} (autoreconf
# -fi first when there is no configure), make -jN, make install DESTDIR=/dest, with
# CFLAGS/CXXFLAGS "-O2 -g" (the opt flavor). Then checks: m4 links the set's libsigsegv
# (readelf NEEDED, config.log, ldd inside the sandbox), hello carries the patch, each program
# runs. Last, test/fixtures/hello-local is built the same way on the bare base.
#
# usage: bash bench/build-defaults-by-hand.sh [--sources DIR] [--keep] [--jobs N]
#   --sources DIR  keep downloaded tarballs in DIR (reused when their sha256 matches)
#   --keep         keep the work directory (sources, build trees, DEST trees) and print it
#   --jobs N       make -jN (default: nproc)
# Needs root (bwrap over a root-owned tree), bubblewrap, curl, perl, and W1
# (test/fixtures/ensureW1.sh makes it). Writes bench/results/defaults-latest.md.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
recipes=$top/recipes
sources_dir=
keep=false
jobs=$(nproc)
while (($#)); do
  case $1 in
    --sources) sources_dir=$2; shift 2 ;;
    --keep) keep=true; shift ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-defaults-by-hand.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ $(id -u) == 0 ]] || { echo "build-defaults-by-hand.sh: run as root (bwrap over W1's root-owned tree)" >&2; exit 1; }
for tool in bwrap curl perl readelf sha256sum md5sum patch; do
  command -v "$tool" >/dev/null || { echo "build-defaults-by-hand.sh: $tool is missing" >&2; exit 1; }
done

w1=$(bash "$top/test/fixtures/ensureW1.sh")
work=$(mktemp -d /tmp/hacktree-defaults-by-hand.XXXXXX)
cleanup() {
  if $keep; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
[[ -n $sources_dir ]] || sources_dir=$work/sources
mkdir -p "$sources_dir"

die() { echo "build-defaults-by-hand.sh: $*" >&2; exit 1; }
now() { date +%s.%N; }
seconds() { perl -e 'printf "%.1f", $ARGV[1] - $ARGV[0]' "$1" "$2"; }

# --- the recipe reader: the metadata-only subset these recipes use (VAR = "...", flags, \) ---
# Prints the value of VAR (or VAR[flag]) in FILE with ${PN} ${PV} ${P} ${BPN} ${BP}
# ${GNU_MIRROR} expanded, continuation lines joined, whitespace collapsed.
recipe_value() {
  local file=$1 key=$2 base pn pv
  base=$(basename "$file" .bb)
  pn=${base%%_*}
  pv=${base#*_}
  perl -e '
    my ($file, $key, $pn, $pv) = @ARGV;
    open my $fh, "<", $file or die "$file: $!";
    my $text = do { local $/; <$fh> };
    $text =~ s/\\\n/ /g;
    my $value;
    for my $line (split /\n/, $text) {
      next if $line =~ /^\s*#/;
      $value = $1 if $line =~ /^\s*\Q$key\E\s*=\s*"(.*)"\s*$/;
    }
    exit 0 unless defined $value;
    my %v = (PN => $pn, PV => $pv, P => "$pn-$pv", BPN => $pn, BP => "$pn-$pv",
             GNU_MIRROR => "https://ftp.gnu.org/gnu");
    $value =~ s/\$\{(\w+)\}/exists $v{$1} ? $v{$1} : die "$file: \${$1} is not known here\n"/ge;
    $value =~ s/\s+/ /g; $value =~ s/^ | $//g;
    print $value;
  ' "$file" "$key" "$pn" "$pv"
}

recipe_file() {
  local name=$1 matches
  matches=("$recipes/${name}_"*.bb)
  [[ -e ${matches[0]} ]] || die "no recipe for $name in $recipes"
  ((${#matches[@]} == 1)) || die "more than one recipe for $name: ${matches[*]}"
  echo "${matches[0]}"
}

# The upstream URL mapped through site.conf's PREMIRRORS (regex on the whole URL).
mirror_url() {
  perl -e '
    my ($conf, $url) = @ARGV;
    open my $fh, "<", $conf or die "$conf: $!";
    my $text = do { local $/; <$fh> };
    $text =~ s/\\\n/ /g;
    my ($value) = $text =~ /^PREMIRRORS\s*=\s*"(.*?)"/ms or die "$conf: no PREMIRRORS\n";
    for my $pair (split /\\n/, $value) {
      my ($regex, $replacement) = split " ", $pair;
      next unless defined $replacement;
      if ($url =~ /$regex/) { (my $out = $url) =~ s/$regex/$replacement/; print $out; exit 0 }
    }
    print $url;
  ' "$recipes/site.conf" "$1"
}

# --- build order: DEPENDS first (the set is small; a cycle is an error) ---
declare -A state=()
order=()
visit() {
  local name=$1 dep
  case ${state[$name]:-} in
    done) return ;;
    active) die "DEPENDS cycle through $name" ;;
  esac
  state[$name]=active
  for dep in $(recipe_value "$(recipe_file "$name")" DEPENDS); do visit "$dep"; done
  state[$name]=done
  order+=("$name")
}
for file in "$recipes"/*.bb; do
  base=$(basename "$file" .bb)
  visit "${base%%_*}"
done

# --- one build ---
declare -A dest_of=() seconds_of=() setup_of=() phases_of=() source_of=()

# make_root DIR DEP...: a writable hardlinked copy of W1 plus each DEP's DEST, with /build and
# /dest mount points; bwrap binds it read-only. Files are replaced, never written through (the
# links point into the W1 cache).
make_root() {
  local root=$1 dep
  shift
  cp -al "$w1" "$root"
  for dep; do cp -a --remove-destination "${dest_of[$dep]}/." "$root/"; done
  mkdir -p "$root/build" "$root/dest"
}

sandbox() {
  local root=$1 build=$2 dest=$3
  shift 3
  bwrap --unshare-all --die-with-parent \
    --ro-bind "$root" / --proc /proc --dev /dev --tmpfs /tmp \
    --bind "$build" /build --bind "$dest" /dest --chdir /build \
    --clearenv --setenv PATH /usr/sbin:/usr/bin:/sbin:/bin --setenv HOME /tmp \
    --setenv TZ UTC --setenv LC_ALL C --setenv SOURCE_DATE_EPOCH 0 \
    --setenv CFLAGS '-O2 -g' --setenv CXXFLAGS '-O2 -g' \
    "$@"
}

# The build steps inside the sandbox; prints "phase seconds" lines on fd 3 (a file in /build).
build_script='set -e
stamp() { date +%s.%N; }
t0=$(stamp)
cd "/build/$1"
if [ ! -x configure ]; then autoreconf -fi; fi
./configure --prefix=/usr $2
t1=$(stamp)
make -j"$3"
t2=$(stamp)
make install DESTDIR=/dest
t3=$(stamp)
echo "$t0 $t1 $t2 $t3" >/build/.phases'

check_licenses() {
  local file=$1 src=$2 entry path params md5 begin end actual
  for entry in $(recipe_value "$file" LIC_FILES_CHKSUM); do
    path=${entry#file://}; path=${path%%;*}
    params=";${entry#*;}"
    md5=$(sed -n 's/.*;md5=\([0-9a-f]*\).*/\1/p' <<<"$params")
    begin=$(sed -n 's/.*;beginline=\([0-9]*\).*/\1/p' <<<"$params")
    end=$(sed -n 's/.*;endline=\([0-9]*\).*/\1/p' <<<"$params")
    [[ -f $src/$path ]] || die "$(basename "$file"): LIC_FILES_CHKSUM names $path, which the source does not have"
    if [[ -n $begin || -n $end ]]; then
      actual=$(sed -n "${begin:-1},${end:-\$}p" "$src/$path" | md5sum | cut -d' ' -f1)
    else
      actual=$(md5sum <"$src/$path" | cut -d' ' -f1)
    fi
    [[ $actual == "$md5" ]] || die "$(basename "$file"): $path${begin:+ lines $begin..${end:-end}} has md5 $actual, the recipe says $md5"
    echo "  license $path${begin:+ lines $begin-${end:-end}}: md5 ok"
  done
}

build_recipe() {
  local name=$1 file base pv bp url mirror sum tarball actual entry src patch dir root extra deps
  file=$(recipe_file "$name")
  base=$(basename "$file" .bb)
  pv=${base#*_}
  bp=$name-$pv
  dir=$work/$name
  mkdir -p "$dir/build" "$dir/dest"
  echo "== $name $pv" >&2

  url= ; local patches=()
  for entry in $(recipe_value "$file" SRC_URI); do
    case $entry in
      file://*) patches+=("$recipes/$name/${entry#file://}") ;;
      *) [[ -z $url ]] || die "$base.bb: more than one remote source"; url=${entry%%;*} ;;
    esac
  done
  sum=$(recipe_value "$file" 'SRC_URI[sha256sum]')
  [[ -n $url && -n $sum ]] || die "$base.bb: needs a remote SRC_URI and SRC_URI[sha256sum]"
  mirror=$(mirror_url "$url")
  [[ $mirror != "$url" ]] || die "$base.bb: site.conf has no PREMIRRORS entry for $url"
  source_of[$name]=$mirror
  tarball=$sources_dir/$(basename "$mirror")
  if [[ ! -f $tarball ]] || [[ $(sha256sum <"$tarball" | cut -d' ' -f1) != "$sum" ]]; then
    curl -fsS --retry 2 -o "$tarball.part" "$mirror" || die "$name: download of $mirror failed"
    mv "$tarball.part" "$tarball"
  fi
  actual=$(sha256sum <"$tarball" | cut -d' ' -f1)
  [[ $actual == "$sum" ]] || { rm -f "$tarball"; die "$name: $mirror has sha256 $actual, the recipe says $sum"; }
  echo "  source $mirror: sha256 ok (= upstream $url)"

  tar -xf "$tarball" -C "$dir/build"
  src=$dir/build/$bp
  [[ -d $src ]] || die "$name: the tarball does not unpack to $bp/"
  check_licenses "$file" "$src"
  for patch in "${patches[@]}"; do
    patch -p1 -s -d "$src" <"$patch" || die "$name: $(basename "$patch") does not apply"
    echo "  patch $(basename "$patch"): applied"
  done

  read -r -a deps <<<"$(recipe_value "$file" DEPENDS)"
  extra=$(recipe_value "$file" EXTRA_OECONF)
  root=$dir/root
  local t0 t1 t2
  t0=$(now)
  make_root "$root" "${deps[@]}"
  t1=$(now)
  if ! sandbox "$root" "$dir/build" "$dir/dest" sh -c "$build_script" sh "$bp" "$extra" "$jobs" >"$dir/build.log" 2>&1; then
    tail -n 40 "$dir/build.log" >&2
    keep=true
    die "$name: the build failed (log: $dir/build.log)"
  fi
  t2=$(now)
  setup_of[$name]=$(seconds "$t0" "$t1")
  seconds_of[$name]=$(seconds "$t1" "$t2")
  local p
  read -r -a p <"$dir/build/.phases"
  phases_of[$name]="$(seconds "${p[0]}" "${p[1]}") / $(seconds "${p[1]}" "${p[2]}") / $(seconds "${p[2]}" "${p[3]}")"
  dest_of[$name]=$dir/dest
  echo "  built in ${seconds_of[$name]} s (configure / make / install: ${phases_of[$name]} s; root setup ${setup_of[$name]} s)"
}

# Runs CMD inside a sandbox whose / is W1 plus the DEST trees of the given recipes.
run_in() {
  local cmd=$1 root=$work/run-root
  shift
  rm -rf "$root"
  make_root "$root" "$@"
  mkdir -p "$work/run-build" "$work/run-dest"
  sandbox "$root" "$work/run-build" "$work/run-dest" sh -c "$cmd"
  rm -rf "$root"
}

for name in "${order[@]}"; do build_recipe "$name"; rm -rf "$work/$name/root"; done

echo "== checks" >&2
checks=()
check() { checks+=("$1"); echo "  ok: $1"; }

# m4 against the set's libsigsegv, not the base's (the base has none).
[[ ! -e $w1/usr/include/sigsegv.h ]] || die "W1 has sigsegv.h: the m4 check would prove nothing"
readelf -d "${dest_of[m4]}/usr/bin/m4" | grep -q 'NEEDED.*\[libsigsegv\.so\.2\]' \
  || die "m4 does not link libsigsegv.so.2: $(readelf -d "${dest_of[m4]}/usr/bin/m4" | grep NEEDED)"
check "readelf -d usr/bin/m4: NEEDED libsigsegv.so.2"
grep -q '^gl_cv_lib_sigsegv=yes' "$work/m4/build/m4-1.4.19/config.log" || die "m4's configure did not find libsigsegv"
check "m4 config.log: gl_cv_lib_sigsegv=yes"
ldd_line=$(run_in 'ldd /usr/bin/m4 | grep libsigsegv' libsigsegv m4)
# /lib is /usr/lib on a merged-/usr Debian, and the loader names whichever it tried first.
[[ $ldd_line =~ libsigsegv\.so\.2\ =\>\ (/usr)?/lib/libsigsegv\.so\.2 ]] || die "ldd m4 in the sandbox: $ldd_line"
check "ldd /usr/bin/m4 (W1 + libsigsegv + m4):$(tr -s ' \t' ' ' <<<"$ldd_line")"
m4_out=$(run_in "echo 'define(greet, hello from m4)greet' | /usr/bin/m4" libsigsegv m4)
[[ $m4_out == 'hello from m4' ]] || die "m4 printed: $m4_out"
check "m4 expands a macro: $m4_out"
help=$(run_in '/usr/bin/hello --help' hello)
grep -q 'https://www.gnu.org/gethelp/' <<<"$help" || die "hello --help lacks the patched https line"
check "hello --help shows the patched https://www.gnu.org/gethelp/ line"
greeting=$(run_in '/usr/bin/hello' hello)
[[ $greeting == 'Hello, world!' ]] || die "hello printed: $greeting"
check "hello prints: $greeting"
sed_out=$(run_in 'echo hacktree | /usr/bin/sed s/tree/TREE/; /usr/bin/sed --version | head -1' sed)
check "sed: $(tr '\n' ' ' <<<"$sed_out")"
gzip_out=$(run_in 'echo hacktree | /usr/bin/gzip -9n | /usr/bin/gzip -d; /usr/bin/gzip --version | head -1' gzip)
check "gzip: $(tr '\n' ' ' <<<"$gzip_out")"

# Composing a root unions the artifacts: no two recipes may install the same path.
shared=$(for name in "${order[@]}"; do (cd "${dest_of[$name]}" && find . ! -type d); done | sort | uniq -d)
[[ -z $shared ]] || die "recipes install the same paths (a root would be a TREE_CONFLICT): $shared"
check "no path is installed by two recipes"

# The repository's own project, for `hacktree make`: base only, autoreconf path.
echo "== hello-local (test/fixtures/hello-local)" >&2
local_dir=$work/hello-local
mkdir -p "$local_dir/build" "$local_dir/dest"
cp -a "$top/test/fixtures/hello-local" "$local_dir/build/hello-local"
t0=$(now)
make_root "$local_dir/root"
t1=$(now)
sandbox "$local_dir/root" "$local_dir/build" "$local_dir/dest" sh -c "$build_script" sh hello-local '' "$jobs" >"$local_dir/build.log" 2>&1 \
  || { tail -n 40 "$local_dir/build.log" >&2; keep=true; die "hello-local: the build failed (log: $local_dir/build.log)"; }
t2=$(now)
rm -rf "$local_dir/root"
read -r -a p <"$local_dir/build/.phases"
local_seconds=$(seconds "$t1" "$t2")
local_phases="$(seconds "${p[0]}" "${p[1]}") / $(seconds "${p[1]}" "${p[2]}") / $(seconds "${p[2]}" "${p[3]}")"
[[ -x $local_dir/dest/usr/bin/hello ]] || die "hello-local installed no /usr/bin/hello"
dest_of[hello-local]=$local_dir/dest
local_out=$(run_in '/usr/bin/hello' hello-local)
check "hello-local (autoreconf -fi, base root only) prints: $local_out"

results=$top/bench/results/defaults-latest.md
mkdir -p "$(dirname "$results")"
{
  echo "# The default recipe set built by hand ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, make -j$jobs, CFLAGS -O2 -g)"
  echo
  echo "bash bench/build-defaults-by-hand.sh: bubblewrap over W1 (+ DEPENDS' DEST trees), sources from Debian's pool via recipes/site.conf."
  echo
  echo "| recipe | DEPENDS | build s | configure / make / install s | root setup s (cp -al W1 + deps) |"
  echo "|---|---|---|---|---|"
  total=0
  for name in "${order[@]}"; do
    echo "| $name | $(recipe_value "$(recipe_file "$name")" DEPENDS) | ${seconds_of[$name]} | ${phases_of[$name]} | ${setup_of[$name]} |"
    total=$(perl -e 'printf "%.1f", $ARGV[0] + $ARGV[1]' "$total" "${seconds_of[$name]}")
  done
  echo "| hello-local (autoreconf -fi) | | $local_seconds | $local_phases | |"
  echo
  echo "Sum of the five recipe builds: $total s."
  echo
  echo "Checks:"
  for line in "${checks[@]}"; do echo "- $line"; done
} | tee "$results"
