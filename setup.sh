#!/usr/bin/env bash
# The one command that sets hacktree up on a fresh Debian (bookworm) machine, as root:
# system packages, npm dependencies, the build, `hacktree` on the PATH with its man pages and
# shell completions, then the main job.
#
# usage: bash setup.sh               everything
#        bash setup.sh --arch x86_64 the main job for these architectures only (repeatable or
#                                    comma-separated; default: every arch roots/ names that this
#                                    machine runs natively: x86_64 and i686 on x86_64)
#        bash setup.sh --deps-only   system packages and npm dependencies only (what .ci/run
#                                    needs before the tests)
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage='usage: bash setup.sh [--deps-only] [--arch ARCH]...'
deps_only=false
arch_args=()
while (($#)); do
  case $1 in
    --deps-only) deps_only=true ;;
    --arch) (($# >= 2)) || { echo "setup.sh: --arch needs an architecture (x86_64, i686) ($usage)" >&2; exit 2; }
            arch_args+=(--arch "$2"); shift ;;
    --arch=*) arch_args+=(--arch "${1#--arch=}") ;;
    *) echo "setup.sh: unknown argument: $1 ($usage)" >&2; exit 2 ;;
  esac
  shift
done

# What hacktree and its tests run, beside node: debootstrap makes the W1 test workload,
# attr/libcap2-bin set the xattrs and capabilities W1 is given, ostree and GNU time serve the
# benchmark, bubblewrap is the build sandbox, util-linux has unshare and flock; nginx (with its
# WebDAV module) serves the artifact cache in the cache tests; patch and the decompressors unpack
# recipe sources; curl and binutils (readelf) serve bench/build-defaults-by-hand.sh; zlib1g-dev
# is the host library the sandbox tests must not see; autoconf, automake and libtool let
# bench/build.sh time the same build outside the sandbox; gcc, libc6-dev and libisal-dev build
# hacktree's native addon (native/build.sh: ISA-L's deflate, writeback); libarchive-tools (bsdtar)
# and acl (setfacl, getfacl) serve the tar interop tests; man-db shows hacktree's man pages,
# bash-completion and zsh load its completions (test/e2e/manPages.test.ts drives all three);
# systemd has systemd-socket-activate, which the daemon's tests start it through; qemu-user-static
# and binfmt-support run aarch64 programs (the second stage of the arm64 bases, `root run` of
# aarch64 roots, their tests; the cross compiler itself comes in the cross toolchain base).
packages=(gcc libc6-dev libisal-dev debootstrap attr libcap2-bin ostree bubblewrap git time util-linux tar gzip dpkg nginx patch xz-utils bzip2 zstd unzip zip curl binutils zlib1g-dev autoconf automake libtool libarchive-tools acl man-db bash-completion zsh systemd qemu-user-static binfmt-support)

install_system_packages() {
  local missing=() pkg
  for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  [[ $(id -u) == 0 ]] || { echo "setup.sh: missing ${missing[*]}; run as root to install them" >&2; exit 1; }
  echo "setup.sh: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

check_node() {
  local major
  command -v node >/dev/null || { echo "setup.sh: node is missing: hacktree needs Node.js 20 or newer" >&2; exit 1; }
  major=$(node -p 'process.versions.node.split(".")[0]')
  ((major >= 20)) || { echo "setup.sh: node $(node --version) is too old: hacktree needs Node.js 20 or newer" >&2; exit 1; }
}

install_npm_dependencies() {
  # A worktree whose node_modules is a symlink shares another checkout's install: npm ci would
  # empty that install through the link, so it is left alone.
  [[ -L $top/node_modules ]] && return 0
  # npm writes node_modules/.package-lock.json on every install; a package-lock.json newer
  # than it means the dependencies changed since.
  if [[ ! -e $top/node_modules/.package-lock.json || $top/package-lock.json -nt $top/node_modules/.package-lock.json ]]; then
    (cd "$top" && npm ci --no-audit --no-fund)
  fi
}

install_system_packages
check_node
install_npm_dependencies
$deps_only && exit 0

(cd "$top" && npm run --silent build)
chmod +x "$top/bin/hacktree" "$top/bin/hacktree.js"
ln -sfn "$top/bin/hacktree" /usr/local/bin/hacktree
# The man pages (man hacktree, man hacktree-root, man hacktree-root-checkout, ...) and the bash and
# zsh completions the build wrote from the command definitions; pages of commands that are gone go.
install -d /usr/local/share/man/man1 /usr/share/bash-completion/completions /usr/local/share/zsh/site-functions
rm -f /usr/local/share/man/man1/hacktree.1 /usr/local/share/man/man1/hacktree-*.1
install -m 644 "$top"/dist/man/*.1 /usr/local/share/man/man1/
install -m 644 "$top/dist/completion/hacktree.bash" /usr/share/bash-completion/completions/hacktree
install -m 644 "$top/dist/completion/_hacktree" /usr/local/share/zsh/site-functions/_hacktree
# The index `man -k hacktree` (apropos) reads. Every hierarchy, not only /usr/local/share/man: with
# /usr/local/bin on the PATH man reads that directory as /usr/local/man, indexed apart. Incremental:
# ~0.4 s over the index man-db's install made.
mandb -q
# The daemon's units (docs/daemon.md) and the upgrade timer (docs/roots.md), installed but not
# enabled: an admin chooses to serve unprivileged developers with "systemctl enable --now
# hacktree.socket", and to run the roots' upgrade policies with "... hacktree-upgrade.timer".
install -d /etc/systemd/system
install -m 644 "$top/systemd/hacktree.socket" "$top/systemd/hacktree.service" /etc/systemd/system/
install -m 644 "$top/systemd/hacktree-upgrade.timer" "$top/systemd/hacktree-upgrade.service" /etc/systemd/system/
hacktree --help
hacktree init
echo "setup.sh: hacktree is installed as /usr/local/bin/hacktree; repository: ${HACKTREE_REPO:-/var/lib/hacktree/repo}"

# ---- the main job ---------------------------------------------------------------------------
# The embedded default: make the bases roots/ names (debootstrap, once each: the toolchain base
# builds run on, and the bases runtime and sdk/devel roots sit on), build every recipe in
# recipes/ for every root in roots/ (both flavors; cached builds cost nothing, so a second run
# is a no-op), compose every root, and deploy the runtime one(s) (opt).
cd "$top"
hacktree bootstrap "${arch_args[@]}"
hacktree build -j 2 "${arch_args[@]}"
# Every root the build was for (VERSION-FLAVOR-ARCH, as its plan says: the arches asked for, else
# those the definitions name that this machine runs), composed in each kind.
built_roots=$(hacktree build -n --json "${arch_args[@]}" | node -e '
  const plan = JSON.parse(require("fs").readFileSync(0, "utf8")).plan;
  console.log([...new Set(plan.map((line) => line.root.replace(/-(opt|debug)-/, " ")))].join("\n"));
')
roots=()
while read -r version arch; do
  [[ -n $version ]] || continue
  for kind in runtime sdk devel; do
    for flavor in opt debug; do
      hacktree root compose "$version-$kind-$flavor-$arch"
      roots+=("$version-$kind-$flavor-$arch")
    done
  done
done <<<"$built_roots"
echo "setup.sh: composed ${#roots[@]} root(s): ${roots[*]}"
for root in "${roots[@]}"; do
  [[ $root == *-runtime-opt-* ]] || continue
  mkdir -p "${HACKTREE_PREFIX:-/opt/hacktree}"
  hacktree root checkout "$root"
  hacktree root run "$root" -- /bin/sh -c 'echo "$(uname -m) root is up"'
done
hacktree root status
