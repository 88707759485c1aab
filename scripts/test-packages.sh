#!/usr/bin/env bash
# Checks what scripts/package.sh built, as a user of each package would:
#   - SHA256SUMS verifies all three artifacts;
#   - `dpkg-deb -c` lists the binary, the man pages and all three completions,
#     and `rpm -qlp` lists exactly the same files;
#   - the tarball holds the same binary, man pages and completions;
#   - `dpkg -i` installs; `xenready --version` prints Cargo.toml's version;
#     `man -w xenready` finds the page; the bash completion registers;
#   - `dpkg -r` removes it and leaves none of its files behind.
# Installing needs root (CI runs as root); the .deb must not be installed
# already. The last line is "N passed, M failed".
#
# usage: scripts/test-packages.sh [DIR]   (default ${CARGO_TARGET_DIR:-target}/package)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
repo=$PWD

target=${CARGO_TARGET_DIR:-target}
[[ $target == /* ]] || target=$repo/$target
dir=${1:-$target/package}
version=$(sed -n '/^\[package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)
deb=$dir/xenready_${version}_amd64.deb
rpm=$dir/xenready-$version-1.x86_64.rpm
tarball=$dir/xenready-$version-x86_64-linux-musl.tar.gz

passed=0
failed=0
check() { # description, command...
    local what=$1 output
    shift
    if output=$("$@" 2>&1); then
        passed=$((passed + 1))
        echo "ok   $what"
    else
        failed=$((failed + 1))
        echo "FAIL $what"
        [[ -n $output ]] && echo "     ${output//$'\n'/$'\n'     }"
    fi
}
finish() {
    echo "$passed passed, $failed failed"
    ((failed == 0))
    exit
}

for f in "$deb" "$rpm" "$tarball" "$dir/SHA256SUMS"; do
    [[ -f $f ]] || { echo "FAIL $f missing: run scripts/package.sh first"; failed=$((failed + 1)); }
done
((failed == 0)) || finish
for tool in dpkg dpkg-deb rpm man bash; do
    command -v "$tool" >/dev/null || { echo "FAIL needs $tool (Debian: apt-get install dpkg rpm man-db bash)"; failed=$((failed + 1)); }
done
((failed == 0)) || finish

check "SHA256SUMS verifies" bash -c "cd '$dir' && sha256sum --strict -c SHA256SUMS"

# The files (not directories) each package installs, as sorted absolute paths.
deb_files() { dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' | LC_ALL=C sort; }
rpm_files() { rpm -qlvp "$rpm" 2>/dev/null | awk '$1 !~ /^d/ { print $NF }' | LC_ALL=C sort; }
tar_files() { tar -tzf "$tarball" | grep -v '/$' | sed 's|^[^/]*/||' | LC_ALL=C sort; }

expected=(
    /usr/bin/xenready
    /usr/share/man/man1/xenready.1.gz
    /usr/share/bash-completion/completions/xenready
    /usr/share/zsh/vendor-completions/_xenready
    /usr/share/fish/vendor_completions.d/xenready.fish
    /usr/share/doc/xenready/copyright
    /usr/share/doc/xenready/LICENSE-MIT
    /usr/share/doc/xenready/LICENSE-APACHE
    /usr/share/doc/xenready/README.md
    /usr/share/doc/xenready/CHANGELOG.md
    /usr/share/doc/xenready/checks.md
    /usr/share/xenready/schema/report.json
    /usr/share/xenready/schema/evidence.json
    /usr/share/xenready/schema/compare.json
    /usr/share/xenready/schema/cpu.json
    /usr/share/xenready/schema/checks.json
    /usr/share/xenready/schema/VERSIONS
)
# shellcheck disable=SC2317 # called through check
lists_all() { # listing, paths...
    local listing=$1 missing=()
    shift
    for path in "$@"; do
        grep -qxF "$path" <<<"$listing" || missing+=("$path")
    done
    ((${#missing[@]} == 0)) || { printf 'missing: %s\n' "${missing[@]}"; return 1; }
}
check "dpkg-deb -c lists the binary, man page, completions, docs" lists_all "$(deb_files)" "${expected[@]}"
pages=$(deb_files | grep -c '^/usr/share/man/man1/xenready.*\.1\.gz$')
check "the .deb carries a man page per command ($pages)" test "$pages" -ge 2
check "rpm -qlp lists the same files as the .deb" diff <(deb_files) <(rpm_files)
check "rpm metadata: name, version, licence" bash -c \
    "rpm -qp --qf '%{NAME} %{VERSION} %{LICENSE}' '$rpm' 2>/dev/null | grep -qxF 'xenready $version MIT OR Apache-2.0'"
check "the tarball holds the binary, man pages and completions" lists_all "$(tar_files)" \
    xenready man/xenready.1.gz completions/xenready.bash completions/_xenready completions/xenready.fish \
    README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE doc/checks.md schema/report.json schema/VERSIONS
check "the tarball's man pages are the .deb's" diff \
    <(deb_files | sed -n 's|^/usr/share/man/man1/||p') <(tar_files | sed -n 's|^man/||p')
check "the tarball's binary is the .deb's" bash -c \
    "cmp <(dpkg-deb --fsys-tarfile '$deb' | tar -xOf - ./usr/bin/xenready) <(tar -xzOf '$tarball' 'xenready-$version-x86_64-linux-musl/xenready')"

# --- install, use, remove ---------------------------------------------------

if ((EUID != 0)); then
    echo "FAIL installing needs root (dpkg -i); the checks above ran"
    failed=$((failed + 1))
    finish
fi
if dpkg-query -W -f='${Status}' xenready 2>/dev/null | grep -q 'installed'; then
    echo "FAIL xenready is already installed here; remove it first (dpkg -r xenready)"
    failed=$((failed + 1))
    finish
fi
# Minimal images (Docker's Debian) tell dpkg to skip /usr/share/man; the man
# page check would then fail for the image's sake, not the package's.
if grep -rqs 'path-exclude[= ]*/usr/share/man' /etc/dpkg/dpkg.cfg.d/; then
    echo "note: /etc/dpkg/dpkg.cfg.d excludes /usr/share/man: man -w will fail on this machine"
fi

check "dpkg -i installs" dpkg -i "$deb"
check "xenready --version prints $version" bash -c "/usr/bin/xenready --version | grep -qF '$version'"
check "xenready is on the PATH" bash -c "[[ \$(command -v xenready) == /usr/bin/xenready ]]"
check "man -w xenready finds the installed page" bash -c \
    "[[ \$(man -w xenready) == /usr/share/man/man1/xenready.1.gz ]]"
check "the man page renders" bash -c "man -P cat xenready 2>/dev/null | grep -q xenready"
check "the bash completion registers" bash -c \
    'source /usr/share/bash-completion/completions/xenready && complete -p xenready'
if command -v zsh >/dev/null; then
    check "the zsh completion parses" zsh -n /usr/share/zsh/vendor-completions/_xenready
fi
if command -v fish >/dev/null; then
    check "the fish completion parses" fish -n /usr/share/fish/vendor_completions.d/xenready.fish
fi
check "dpkg -r removes it" dpkg -r xenready
left=()
while IFS= read -r path; do
    [[ -e $path || -L $path ]] && left+=("$path")
done < <(deb_files; echo /usr/share/doc/xenready)
# shellcheck disable=SC2016 # $# and $@ belong to the inner shell
check "no file of the package is left" bash -c '(( $# == 0 )) || { printf "left: %s\n" "$@"; exit 1; }' _ "${left[@]}"
check "dpkg no longer knows xenready" bash -c \
    "! dpkg-query -W -f='\${Status}' xenready 2>/dev/null | grep -q 'installed'"
finish
