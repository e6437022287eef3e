#!/usr/bin/env bash
# Builds hacktree's native addon into DIR/hacktree.node (default dist/native): C, N-API, linked
# against Debian's libisal (setup.sh installs gcc and libisal-dev). Node's own headers come
# from beside the running node (Debian's nodejs and the official builds both put them in
# <prefix>/include/node).
#
# usage: [NATIVE_CFLAGS=...] bash native/build.sh [DIR]
#   NATIVE_CFLAGS: more compiler flags, after the usual ones (the tests' sanitized build, see
#   test/store/nativeSanitizers.test.ts).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here/../dist/native}
include=$(node -p 'require("path").resolve(process.execPath, "../../include/node")')
[[ -e $include/node_api.h ]] || { echo "native/build.sh: Node's headers are missing ($include/node_api.h): install Node.js with its headers" >&2; exit 1; }
[[ -e /usr/include/isa-l/igzip_lib.h ]] || { echo "native/build.sh: ISA-L's headers are missing: bash setup.sh --deps-only installs libisal-dev" >&2; exit 1; }
mkdir -p "$out"
# shellcheck disable=SC2086 # NATIVE_CFLAGS is a list of flags
${CC:-cc} -O2 -std=gnu11 -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden -I"$include" ${NATIVE_CFLAGS:-} \
  "$here"/module.c "$here"/deflate.c "$here"/readDirectory.c "$here"/readFileInto.c "$here"/prefetchFiles.c "$here"/writeRawFile.c "$here"/existAll.c "$here"/linkTree.c "$here"/makeNode.c "$here"/xattrs.c "$here"/syncfs.c "$here"/peerCredentials.c -lisal -pthread -o "$out/hacktree.node.tmp"
mv "$out/hacktree.node.tmp" "$out/hacktree.node"
