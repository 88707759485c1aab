#!/usr/bin/env bash
# Every test of the project, as CI runs it: formatting, lints, unit,
# integration and snapshot tests, the static release binary, and the QEMU
# end-to-end tests of the bootable USB image.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --all-targets --locked
cargo test --doc --locked
scripts/check-static.sh
# .deb, .rpm and tarball from the static binary; install, use and remove the .deb.
scripts/package.sh
scripts/test-packages.sh
# Boots the real USB image in QEMU (software emulation) for every scenario.
tests/e2e/run.sh
