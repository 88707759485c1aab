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
# cargo reads a relative CARGO_TARGET_DIR from here, the repository root.
target=${CARGO_TARGET_DIR:-target}
[[ $target == /* ]] || target=$PWD/$target
bin=$target/x86_64-unknown-linux-musl/release/xenready
out=$target/bench
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

# A 100 MiB kernel log: bounded memory (the collector keeps the last 16 MiB).
big=$out/big.log
if [[ ! -s $big ]]; then
  python3 - "$big" <<'PY'
import sys
line = "[%12.6f] usb 1-1: new high-speed USB device number %d using ehci-pci\n"
with open(sys.argv[1], "w") as f:
    n, size = 0, 0
    while size < 100 * 1024 * 1024:
        s = line % (n / 1000.0, n % 128)
        f.write(s); size += len(s); n += 1
    f.write("[99999.000000] Uhhuh. NMI received for unknown reason 3d on CPU 1.\n")
PY
fi
big_rss=$( { /usr/bin/time -f '%M %e' "$bin" analyze --dmesg "$big" --format json >"$out/big.json"; } 2>&1 | tail -1 )
rows+=("| analyze 100 MiB kernel log | $(awk '{printf "%.0f", $2*1000}' <<<"$big_rss") (1 run) | - | $(awk '{printf "%.1f", $1/1024}' <<<"$big_rss") |")

# Every file of the test corpus through its importer, one process each.
fixtures=tests/corpus
{
  count=0
  start=$(date +%s.%N)
  while IFS= read -r f; do
    case $f in
      */cpuid/*) flag=--cpuid ;;
      */smbios-bin/*.json | */smbios-bin/*.txt | */entry*.bin) continue ;;
      */smbios-bin/*) flag=--dmi ;;
      */dmidecode-text/*) flag=--dmidecode-text ;;
      */acpi/*) flag=--acpi ;;
      */cpuinfo/*.tar.gz | */cpuinfo/*.tgz | */sysfs-tarballs/*) continue ;;
      */cpuinfo/*) flag=--cpuinfo ;;
      */dmesg/*) flag=--dmesg ;;
      *) continue ;;
    esac
    "$bin" analyze "$flag" "$f" --format json >/dev/null 2>&1 || true
    count=$((count + 1))
  done < <(find "$fixtures" -type f | sort)
  end=$(date +%s.%N)
  rows+=("| analyze every fixture ($count files, one process each) | $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.0f", (b-a)*1000}') total | - | - |")
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "binary:  $(stat -c %s "$bin") bytes"
echo
echo "| run | mean ms | p95 ms | peak RSS MB |"
echo "|---|---|---|---|"
printf '%s\n' "${rows[@]}"
