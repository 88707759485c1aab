#!/usr/bin/env bash
# Installs what the full test run needs on a fresh Debian machine: the musl
# target for the static binary, the packages the USB image and the QEMU
# end-to-end tests are built from, man-db/groff for the man page test, and the
# monitoring and fleet tools the integration tests run for real (promtool,
# node_exporter, ansible-playbook, facter). Idempotent; installs only what is missing.
set -euo pipefail

packages=(
  qemu-system-x86 linux-image-amd64 busybox-static syslinux syslinux-common
  syslinux-utils isolinux grub-efi-amd64-bin grub-common mtools dosfstools
  xorriso ovmf cpio xz-utils zstd kmod python3 file fdisk hyperfine time
  man-db groff-base bash rpm
  prometheus prometheus-node-exporter ansible-core facter
)

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing packages; run as root: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx x86_64-unknown-linux-musl; then
  rustup target add x86_64-unknown-linux-musl
fi
rustup component list --installed | grep -q '^clippy' || rustup component add clippy
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
