#!/usr/bin/env bash
# Builds the release packages from the static musl binary:
#   xenready_VERSION_amd64.deb                 (dpkg-deb, packaging/deb/)
#   xenready-VERSION-1.x86_64.rpm              (rpmbuild, packaging/rpm/)
#   xenready-VERSION-x86_64-linux-musl.tar.gz  (the same files, unpacked layout)
#   SHA256SUMS                                 (over the three)
# into ${CARGO_TARGET_DIR:-target}/package/. VERSION is Cargo.toml's.
#
# Each installs /usr/bin/xenready, a man page per command in
# /usr/share/man/man1, bash, zsh and fish completions, and README.md,
# CHANGELOG.md, docs/checks.md, the licences and a copyright file in
# /usr/share/doc/xenready/, and the JSON Schemas in /usr/share/xenready/schema/. Man pages and completions come from the binary
# itself (`xenready man --dir DIR`, `xenready completions SHELL`).
#
# usage: scripts/package.sh [--generated DIR]
#   --generated DIR  take the man pages (DIR/man/*.1) and completions
#                    (DIR/completions/xenready.bash, _xenready, xenready.fish)
#                    from DIR instead of running the binary, e.g. when it was
#                    cross-built for a machine this one cannot run
# Needs dpkg-deb (dpkg), rpmbuild (Debian package rpm), gzip, tar.
# Time stamps inside all three are SOURCE_DATE_EPOCH (default: the last
# commit's), so the same commit packs to the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

generated=
while (($#)); do
    case $1 in
        --generated) generated=$(cd "${2:?--generated needs a directory}" && pwd); shift ;;
        -h | --help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "package.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

die() { echo "package.sh: $*" >&2; exit 1; }
for tool in dpkg-deb rpmbuild gzip tar sha256sum; do
    command -v "$tool" >/dev/null || die "needs $tool (Debian: apt-get install dpkg rpm gzip tar coreutils)"
done

# The [package] table's version, the first `version =` line of Cargo.toml.
version=$(sed -n '/^\[package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)
[[ -n $version ]] || die "no version in Cargo.toml's [package]"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}

target=${CARGO_TARGET_DIR:-target}
[[ $target == /* ]] || target=$repo/$target
out=$target/package
work=$out/work
rm -rf "$out"
mkdir -p "$work"

# --- the binary -------------------------------------------------------------

if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx x86_64-unknown-linux-musl; then
    rustup target add x86_64-unknown-linux-musl
fi
cargo build --release --locked --target x86_64-unknown-linux-musl
bin=$target/x86_64-unknown-linux-musl/release/xenready
[[ -x $bin ]] || die "$bin was not built"

# --- man pages and completions ----------------------------------------------

gen=$work/generated
mkdir -p "$gen/man" "$gen/completions"
if [[ -n $generated ]]; then
    cp "$generated"/man/*.1 "$gen/man/"
    cp "$generated"/completions/{xenready.bash,_xenready,xenready.fish} "$gen/completions/"
else
    "$bin" man --dir "$gen/man" >/dev/null
    "$bin" completions bash >"$gen/completions/xenready.bash"
    "$bin" completions zsh >"$gen/completions/_xenready"
    "$bin" completions fish >"$gen/completions/xenready.fish"
fi
compgen -G "$gen/man/xenready.1" >/dev/null || die "no xenready.1 among the man pages"
for f in "$gen"/completions/*; do
    [[ -s $f ]] || die "$f is empty"
done

# --- the installed tree (shared by the .deb and the .rpm) -------------------

root=$work/root
doc=$root/usr/share/doc/xenready
install -D -m 0755 "$bin" "$root/usr/bin/xenready"
install -d "$root/usr/share/man/man1" "$doc"
for page in "$gen"/man/*.1; do
    name=$(basename "$page")
    gzip -9n <"$page" >"$root/usr/share/man/man1/$name.gz"
done
install -D -m 0644 "$gen/completions/xenready.bash" "$root/usr/share/bash-completion/completions/xenready"
install -D -m 0644 "$gen/completions/_xenready" "$root/usr/share/zsh/vendor-completions/_xenready"
install -D -m 0644 "$gen/completions/xenready.fish" "$root/usr/share/fish/vendor_completions.d/xenready.fish"
install -m 0644 README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE docs/checks.md packaging/deb/copyright "$doc/"
# The JSON Schemas are data for inventory systems, not documentation that
# a --nodocs install may drop.
install -d "$root/usr/share/xenready/schema"
install -m 0644 docs/schema/*.json docs/schema/VERSIONS "$root/usr/share/xenready/schema/"
find "$root" -type d -exec chmod 0755 {} +
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

# --- .deb -------------------------------------------------------------------

debroot=$work/deb
cp -a "$root" "$debroot"
mkdir -p "$debroot/DEBIAN"
installed_kib=$(du -sk --apparent-size "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$installed_kib/" packaging/deb/control >"$debroot/DEBIAN/control"
(cd "$debroot" && find usr -type f | LC_ALL=C sort | xargs md5sum >DEBIAN/md5sums)
chmod 0644 "$debroot/DEBIAN/control" "$debroot/DEBIAN/md5sums"
deb=$out/xenready_${version}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$debroot" "$deb" >/dev/null

# --- .rpm -------------------------------------------------------------------

rpmtop=$work/rpmbuild
mkdir -p "$rpmtop"
rpmbuild -bb --quiet \
    --define "_topdir $rpmtop" \
    --define "_rpmdir $out" \
    --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
    --define "staging $root" \
    --define "pkgversion $version" \
    --define "use_source_date_epoch_as_buildtime 1" \
    --define "clamp_mtime_to_source_date_epoch 1" \
    --target x86_64-linux \
    packaging/rpm/xenready.spec >"$work/rpmbuild.log" 2>&1 ||
    { cat "$work/rpmbuild.log" >&2; die "rpmbuild failed"; }
rpm=$out/xenready-$version-1.x86_64.rpm
[[ -f $rpm ]] || die "rpmbuild wrote no $rpm"

# --- tarball ----------------------------------------------------------------

name=xenready-$version-x86_64-linux-musl
tree=$work/$name
mkdir -p "$tree/man" "$tree/completions" "$tree/doc"
cp "$root/usr/bin/xenready" "$tree/"
cp "$root"/usr/share/man/man1/*.1.gz "$tree/man/"
cp "$gen"/completions/{xenready.bash,_xenready,xenready.fish} "$tree/completions/"
cp README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE "$tree/"
cp docs/checks.md "$tree/doc/"
mkdir -p "$tree/schema"
cp docs/schema/*.json docs/schema/VERSIONS "$tree/schema/"
find "$tree" -type d -exec chmod 0755 {} +
find "$tree" -type f ! -name xenready -exec chmod 0644 {} +
tarball=$out/$name.tar.gz
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    -C "$work" -cf - "$name" | gzip -9n >"$tarball"

# --- checksums --------------------------------------------------------------

(cd "$out" && sha256sum "$(basename "$deb")" "$(basename "$rpm")" "$(basename "$tarball")" >SHA256SUMS)
rm -rf "$work"
echo "package.sh: xenready $version"
(cd "$out" && for f in "$(basename "$deb")" "$(basename "$rpm")" "$(basename "$tarball")"; do
    printf '  %s/%s  %s bytes\n' "$out" "$f" "$(stat -c %s "$f")"
done)
echo "  $out/SHA256SUMS"
