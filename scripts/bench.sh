#!/usr/bin/env bash
# Performance goals, measured (never asserted in a timed test):
#   full live scan  < 20 ms wall, < 10 MB peak RSS on a 2-core machine
#   analysing a saved bundle < 5 ms
# Uses hyperfine (wall time over many runs) and GNU time (peak RSS).
# Prints a Markdown table that the README quotes.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }

cargo build --release --locked --target x86_64-unknown-linux-musl >/dev/null 2>&1
bin=$PWD/target/x86_64-unknown-linux-musl/release/xenready
out=target/bench
mkdir -p "$out"
"$bin" capture -o "$out/live.evidence.json"

rows=()
measure() { # name, command...
  local name=$1; shift
  hyperfine --style none --warmup 5 --runs 100 -N --export-json "$out/$name.json" "$*" >/dev/null
  local mean p95 rss
  mean=$(python3 -c "import json;r=json.load(open('$out/$name.json'))['results'][0];print(f\"{r['mean']*1000:.2f}\")")
  p95=$(python3 -c "import json;t=sorted(json.load(open('$out/$name.json'))['results'][0]['times']);print(f'{t[int(len(t)*0.95)]*1000:.2f}')")
  rss=$( { /usr/bin/time -f '%M' "$@" >/dev/null; } 2>&1 | tail -1 )
  rows+=("| $name | $mean | $p95 | $((rss / 1024)).$(( (rss % 1024) * 10 / 1024 )) |")
}

measure "scan (text)" "$bin" --color never
measure "scan (json)" "$bin" --format json
measure "analyze bundle" "$bin" analyze "$out/live.evidence.json" --format json

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "binary:  $(stat -c %s "$bin") bytes"
echo
echo "| run | mean ms | p95 ms | peak RSS MB |"
echo "|---|---|---|---|"
printf '%s\n' "${rows[@]}"
