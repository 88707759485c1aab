#!/usr/bin/env bash
# Performance, measured (never asserted in a timed test), side by side with
# the tools people already run: virt-host-validate (Debian libvirt-clients)
# and kvm-ok (Debian cpu-checker), when installed.
#
# Goals (issue 15): scan <= 3 ms median and <= 4 MiB peak RSS on the 2-core
# build machine; analyze a bundle <= 1.5 ms; a 256-CPU tree < 20 ms; a 1 GiB
# log < 0.5 s in bounded memory; compare over 10,000 reports < 1 s; a full
# scan >= 3x faster than virt-host-validate.
#
# Usage: scripts/bench.sh [BINARY]   (default: a release build of this tree)
# Prints a Markdown table that the README's Performance section quotes.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }

target=${CARGO_TARGET_DIR:-target}
[[ $target == /* ]] || target=$PWD/$target
if [[ $# -ge 1 ]]; then
  bin=$1
else
  cargo build --release --locked >/dev/null 2>&1
  bin=$target/release/xenready
fi
out=$target/bench
mkdir -p "$out"
runs=${RUNS:-100}

rows=()
declare -A median_of
# measure NAME COMMAND...: median and p95 wall time over $runs runs, peak RSS.
measure() {
  local name=$1; shift
  hyperfine --style none --warmup 5 --runs "$runs" -N -i --export-json "$out/run.json" "$*" >/dev/null 2>&1
  local stats rss
  stats=$(python3 -c "
import json
t = sorted(json.load(open('$out/run.json'))['results'][0]['times'])
print(f'{t[len(t)//2]*1000:.2f} {t[int(len(t)*0.95)]*1000:.2f}')")
  # The compared tools exit non-zero on a machine they judge unfit.
  /usr/bin/time -o "$out/rss" -f '%M' "$@" >/dev/null 2>&1 || true
  rss=$(tail -1 "$out/rss")
  median_of[$name]=${stats%% *}
  rows+=("| $name | ${stats%% *} | ${stats##* } | $(awk -v k="$rss" 'BEGIN{printf "%.1f", k/1024}') | ${ratio_note:-} |")
  ratio_note=
}
ratio() { # A B: how many times A's median is B's
  awk -v a="${median_of[$1]}" -v b="${median_of[$2]}" 'BEGIN{printf "%.1f×", a/b}'
}

measure "xenready --version (process floor)" "$bin" --version
measure "scan (json), live" "$bin" --format json
measure "scan (text), live" "$bin" --color never
"$bin" capture -o "$out/live.evidence.json" 2>/dev/null
measure "analyze a saved bundle" "$bin" analyze "$out/live.evidence.json" --format json

if command -v virt-host-validate >/dev/null; then
  measure "virt-host-validate" virt-host-validate
  rows+=("| … scan is $(ratio virt-host-validate 'scan (json), live') faster than virt-host-validate | | | | |")
fi
if command -v kvm-ok >/dev/null; then
  measure "kvm-ok" kvm-ok
  rows+=("| … scan takes $(ratio 'scan (json), live' kvm-ok) the time of kvm-ok | | | | |")
fi

# Scale with the number of CPUs: a captured tree with N online CPUs, each
# with an MSR node (CPUID is not executed for a tree; MSRs are read per CPU).
for n in 2 16 64 256; do
  tree=$out/tree-$n
  if [[ ! -d $tree ]]; then
    mkdir -p "$tree/sys/devices/system/cpu" "$tree/proc"
    echo "0-$((n - 1))" >"$tree/sys/devices/system/cpu/online"
    python3 - "$tree" "$n" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
cpu = open("/proc/cpuinfo").read().split("\n\n")[0]
with open(f"{root}/proc/cpuinfo", "w") as f:
    for i in range(n):
        f.write(cpu.replace("processor\t: 0", f"processor\t: {i}", 1) + "\n\n")
for i in range(n):
    d = f"{root}/dev/cpu/{i}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/msr", "wb") as m:
        for msr, value in [(0x3A, 5), (0x1A0, 0x850089)]:
            m.seek(msr); m.write(value.to_bytes(8, "little"))
PY
  fi
  measure "scan --root, $n CPUs" "$bin" scan --root "$tree" --format json
done

# A 1 GiB kernel log: read to its last 16 MiB.
big=$out/big.log
if [[ ! -s $big ]]; then
  python3 - "$big" <<'PY'
import sys
line = "[%12.6f] usb 1-1: new high-speed USB device number %d using ehci-pci\n"
block = "".join(line % (n / 1000.0, n % 128) for n in range(100000)).encode()
with open(sys.argv[1], "wb") as f:
    size = 0
    while size < 1 << 30:
        f.write(block); size += len(block)
    f.write(b"[99999.000000] Uhhuh. NMI received for unknown reason 3d on CPU 1.\n")
PY
fi
runs_saved=$runs; runs=5
measure "analyze a 1 GiB kernel log" "$bin" analyze --dmesg "$big" --format json

# compare over 10,000 reports (copies of one report with distinct serials).
fleet=$out/fleet
if [[ ! -d $fleet ]]; then
  mkdir -p "$fleet"
  "$bin" analyze "$out/live.evidence.json" --format json >"$out/one.json"
  python3 - "$out/one.json" "$fleet" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for i in range(10000):
    report.setdefault("machine", {})["serial"] = f"SN{i:05d}"
    report["score"] = i % 101
    json.dump(report, open(f"{sys.argv[2]}/r{i:05d}.json", "w"))
PY
fi
measure "compare 10,000 reports" "$bin" compare "$fleet"
runs=$runs_saved

echo "date:    $(date -u +%Y-%m-%d)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "kernel:  $(uname -r)"
echo "binary:  $(stat -c %s "$bin") bytes ($bin)"
echo
echo "| run | median ms | p95 ms | peak RSS MiB | |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
