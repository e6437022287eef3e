#!/usr/bin/env bash
# What the native addon's deflate buys: node:zlib at level 1 (memLevel 9, as hacktree used it)
# against igzip level 1 (level 0 under 4 KiB: native/deflate.c) on W1's regular files up to
# 8 MB (read into memory first: only the deflating is timed), alternately, --runs N times each
# (default 3).
#
# usage: bench/deflate.sh [--runs N] [--no-build]
# Prints a markdown table (medians; output size as a share of the input) and writes it to
# bench/results/deflate-latest.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_options deflate "$@"
w1=$(bench_w1)
if $build; then
  (cd "$top" && bash native/build.sh) >&2 || { say "the native addon did not build: nothing was measured"; exit 1; }
fi
addon=$top/dist/native/hacktree.node
{
  echo "# deflate: node:zlib against igzip (native addon)"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), hacktree $revision, $(nproc) cores; W1's regular files up to 8 MB," \
    "median of $runs alternating runs each; \`bash bench/deflate.sh$( ((runs == 3)) || echo " --runs $runs")\`."
  echo
  node --input-type=module - "$w1" "$addon" "$runs" <<'JS'
import { createRequire } from 'node:module';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
const [w1, addonPath, runs] = process.argv.slice(2);
const native = createRequire(import.meta.url)(addonPath);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = `${dir}/${name}`;
    const st = lstatSync(path);
    if (st.isDirectory()) walk(path);
    else if (st.isFile() && st.size <= 8 << 20) files.push(readFileSync(path));
  }
};
walk(w1);
const input = files.reduce((sum, f) => sum + f.length, 0);
const tools = {
  'node:zlib level 1': (data) => deflateSync(data, { level: 1, memLevel: 9 }),
  'igzip level 1, 0 under 4 KiB (native addon)': (data) => native.deflateZlib(data),
};
const times = Object.fromEntries(Object.keys(tools).map((k) => [k, []]));
const sizes = {};
for (let round = 0; round < Number(runs); round++) {
  const order = Object.keys(tools);
  if (round % 2) order.reverse();
  for (const name of order) {
    const started = process.hrtime.bigint();
    let out = 0;
    for (const f of files) out += tools[name](f).length;
    times[name].push(Number(process.hrtime.bigint() - started) / 1e9);
    sizes[name] = out;
  }
}
const median = (v) => [...v].sort((a, b) => a - b)[(v.length - 1) >> 1];
const base = median(times['node:zlib level 1']);
console.log(`${files.length} files, ${(input / 1e6).toFixed(0)} MB.`);
console.log();
console.log('| deflate | median (s) | MB/s | output / input | time vs node:zlib |');
console.log('|---|---|---|---|---|');
for (const name of Object.keys(tools)) {
  const m = median(times[name]);
  console.log(`| ${name} | ${m.toFixed(3)} | ${(input / 1e6 / m).toFixed(0)} | ${((100 * sizes[name]) / input).toFixed(1)}% | ${(m / base).toFixed(2)} |`);
}
JS
} | tee "$results_file.new"
mv "$results_file.new" "$results_file"
