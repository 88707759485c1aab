#!/usr/bin/env bash
# Builds the release binary for the USB stick and any Linux: fully static
# (musl), stripped, at most 2.5 MiB; then proves it runs. Honours
# CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=2621440  # 2.5 MiB: clap, its completions and man pages included
cargo build --release --locked --target x86_64-unknown-linux-musl
bin=${CARGO_TARGET_DIR:-target}/x86_64-unknown-linux-musl/release/xenready
size=$(stat -c %s "$bin")
kind=$(file -b "$bin")
echo "static binary: $bin, $size bytes: $kind"
case "$kind" in
  *"statically linked"* | *"static-pie linked"*) ;;
  *) echo "FAIL: $bin is not statically linked" >&2; exit 1 ;;
esac
case "$kind" in
  *stripped*) [[ $kind == *"not stripped"* ]] && { echo "FAIL: not stripped" >&2; exit 1; } ;;
esac
if ((size > limit)); then
  echo "FAIL: $size bytes exceeds the 2.5 MiB budget ($limit)" >&2
  exit 1
fi
"$bin" --version
"$bin" --format json >/dev/null
"$bin" analyze --version >/dev/null
"$bin" completions bash | bash -n
"$bin" man >/dev/null
echo "static binary: ok"
