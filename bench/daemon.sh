#!/usr/bin/env bash
# The daemon (issue 14): a status round trip through `hacktree daemon`, against `hacktree root
# status` run directly by root, in the same run. Target: under 50 ms through the daemon. Three
# figures, the median of --runs N (default 21) each: the HTTP round trip alone (curl on the Unix
# socket: what a tool outside hacktree pays), `hacktree root status` as a user who is not root
# (nobody: the CLI's start, then the round trip), and root's direct `hacktree root status`.
# A small root (two components) is deployed; everything that mounts runs in a private mount
# namespace.
#
# usage: bench/daemon.sh [--runs N] [--no-build] [--keep]
# env: HACKTREE_BENCH_DIR (work directory parent; default /var/tmp).
# Prints a markdown table on stdout and writes it to bench/results/daemon-latest.md.
# Needs root, unshare, setpriv, curl.
set -euo pipefail

if [[ ${HACKTREE_BENCH_NAMESPACE:-} != 1 ]]; then
  HACKTREE_BENCH_NAMESPACE=1 exec unshare -m --propagation private bash "$0" "$@"
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
runs_default=21
bench_options daemon "$@"
[[ " $* " == *" --runs "* ]] || runs=$runs_default

bench_workdir
chmod 755 "$work"
bin=$top/bin/hacktree
if $build; then
  bench_snapshot
  bin=$snapshot/bin/hacktree
fi
export HACKTREE_REPO=$work/repo HACKTREE_PREFIX=$work/prefix
ht() { "$bin" "$@"; }
root=1.0-runtime-opt-x86_64

say "making and deploying a small root (untimed)"
ht init -q
for name in alpha beta; do
  mkdir -p "$work/data/$name/usr/share/$name"
  echo "$name 1" >"$work/data/$name/usr/share/$name/file"
  ht artifact pack "$work/data/$name" --name "$name" --version 1 --root 1.0-opt-x86_64 --flavor opt --out "$work/artifacts" -q >/dev/null
done
mkdir -p "$work/roots" "$HACKTREE_PREFIX"
echo '{"version":"1.0","arches":["x86_64"],"runtime":["alpha","beta"]}' >"$work/roots/1.0.json"
ht root compose "$root" --roots "$work/roots" --artifacts "$work/artifacts" -q >/dev/null
ht root checkout "$root" -q

socket=$work/daemon.sock
"$bin" daemon --socket "$socket" >/dev/null 2>"$work/daemon.log" &
daemon_pid=$!
# The deployment's mount lives in this namespace: unmounted before the work directory goes.
trap 'kill $daemon_pid 2>/dev/null || true; wait $daemon_pid 2>/dev/null || true; umount -l "$HACKTREE_PREFIX/root-$root" 2>/dev/null || true
  if $keep; then say "work directory kept: $work"; else rm -rf "$work"; fi' EXIT
for _ in $(seq 100); do grep -q 'listening on' "$work/daemon.log" && break; sleep 0.05; done
grep -q 'listening on' "$work/daemon.log" || { say "the daemon did not start: $(cat "$work/daemon.log")"; exit 1; }

# Milliseconds one command takes, to 0.1 ms.
time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null
  end=$(date +%s%N)
  echo "$(((end - start) / 100000))" | sed -E 's/(.)$/.\1/; s/^\./0./'
}
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups env HACKTREE_SOCKET="$socket" "$@"; }
curl_status() { curl -sf --unix-socket "$socket" -d '{"args":{}}' http://hacktree/v1/operations/status; }

# The answers agree before anything is timed.
[[ $(as_nobody "$bin" root status) == "$(ht root status)" ]] || { say "status through the daemon differs from the direct one"; exit 1; }
say "timing $runs runs of each, in turns"
http=() cli=() direct=()
curl_status >/dev/null
for ((i = 0; i < runs; i++)); do
  http+=("$(time_ms curl_status)")
  cli+=("$(time_ms as_nobody "$bin" root status)")
  direct+=("$(time_ms ht root status)")
done
m_http=$(median "${http[@]}")
m_cli=$(median "${cli[@]}")
m_direct=$(median "${direct[@]}")
verdict() { awk -v v="$1" 'BEGIN { print (v < 50 ? "yes" : "no") }'; }

table=$(cat <<TABLE
# Daemon: a status round trip

hacktree $revision, $(date -u +%Y-%m-%d), $(nproc) CPUs, node $(node --version); median of $runs runs each,
taken in turns; a deployed root of two components, the daemon in the foreground on a Unix socket.

| what | median ms | under 50 ms |
|---|---|---|
| HTTP round trip alone: \`curl --unix-socket … /v1/operations/status\` | $m_http | $(verdict "$m_http") |
| \`hacktree root status\` as nobody, through the daemon (CLI start + round trip) | $m_cli | $(verdict "$m_cli") |
| \`hacktree root status\` as root, directly | $m_direct | (anchor) |

The daemon's part of a round trip is the first line; the CLI adds node's start and its own
loading, as the direct command does.

Runs (ms): curl ${http[*]}; through the daemon ${cli[*]}; direct ${direct[*]}.
TABLE
)
echo "$table"
echo "$table" >"$results_file"
