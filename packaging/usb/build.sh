#!/bin/sh
# Builds the xenready boot stick from a clean checkout:
#   DIR/xenready-usb.img  raw disk image: MBR, one bootable FAT32 partition,
#                         syslinux (legacy BIOS) and GRUB (x86-64 UEFI)
#   DIR/xenready.iso      hybrid ISO: isolinux (BIOS), an EFI El Torito image
#                         (UEFI), an isohybrid MBR (dd to a stick)
# Both carry /LICENSES/ (xenready's, the GPL texts, each Debian package's
# copyright file) and /SOURCES.txt (the Debian source of every GPL part).
#
# usage: packaging/usb/build.sh [--out DIR]     (default packaging/usb/build)
#
# Environment: XENREADY_KERNEL=VERSION picks an installed kernel other than
# linux-image-amd64's; SOURCE_DATE_EPOCH sets every time stamp inside.
set -eu
# mkfs.vfat and sfdisk live in sbin, which a normal user's PATH may lack.
PATH=$PATH:/usr/sbin:/sbin
export PATH

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$here/build
while [ $# -gt 0 ]; do
    case $1 in
        --out)
            [ $# -ge 2 ] || { echo "build.sh: --out needs a directory" >&2; exit 2; }
            out=$2
            shift 2
            ;;
        --out=*) out=${1#--out=}; shift ;;
        -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build.sh: unknown argument $1 (usage: build.sh [--out DIR])" >&2; exit 2 ;;
    esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$out/work
rm -rf "$work"
mkdir -p "$work"

# Image geometry: 60 MiB in all (under 64 MB either way it is counted), the
# partition 1 MiB in. FAT32 needs 65525 clusters, so clusters are one sector.
IMG_MIB=60
PART_START=2048
export MTOOLS_SKIP_CHECK=1
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || echo 0)}
export SOURCE_DATE_EPOCH

say() { echo "build.sh: $*"; }
die() { echo "build.sh: $*" >&2; exit 1; }

# --- tools ----------------------------------------------------------------

kernel_version() {
    if [ -n "${XENREADY_KERNEL:-}" ]; then
        echo "$XENREADY_KERNEL"
        return
    fi
    v=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
        sed -n 's/.*linux-image-\([^ ,(]*-amd64\).*/\1/p')
    if [ -z "$v" ]; then
        # shellcheck disable=SC2012
        v=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -n 1)
    fi
    echo "$v"
}

# ldd lists shared libraries as "name => path"; a static binary has none.
is_static() {
    ! ldd "$1" 2>&1 | grep -q '=>'
}

# Each line: a command or file that must exist, and the Debian package with it.
requirements() {
    cat <<'EOF'
mkfs.vfat dosfstools
mcopy mtools
mmd mtools
syslinux syslinux
/usr/lib/syslinux/mbr/mbr.bin syslinux-common
/usr/lib/syslinux/modules/bios/ifcpu64.c32 syslinux-common
/usr/lib/ISOLINUX/isolinux.bin isolinux
/usr/lib/ISOLINUX/isohdpfx.bin isolinux
grub-mkstandalone grub-common
/usr/lib/grub/x86_64-efi/linux.mod grub-efi-amd64-bin
xorriso xorriso
sfdisk fdisk
gzip gzip
truncate coreutils
EOF
}

ensure_tools() {
    missing=
    while read -r path package; do
        case $path in
            /*) [ -e "$path" ] ;;
            *) command -v "$path" >/dev/null 2>&1 ;;
        esac || missing="$missing $package"
    done <<EOF
$(requirements)
EOF
    { [ -x /bin/busybox ] && is_static /bin/busybox; } || missing="$missing busybox-static"
    kver=$(kernel_version)
    if [ -z "$kver" ] || [ ! -f "/boot/vmlinuz-$kver" ] || [ ! -f "/lib/modules/$kver/modules.dep" ]; then
        missing="$missing linux-image-amd64"
    fi
    missing=$(echo "$missing" | tr ' ' '\n' | sed '/^$/d' | sort -u | tr '\n' ' ')
    [ -n "$missing" ] || return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing:$missing"
        apt-get update -qq
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        echo "build.sh: missing packages. Install them with:" >&2
        echo "  sudo apt-get install -y --no-install-recommends $missing" >&2
        exit 1
    fi
}

ensure_rust() {
    command -v cargo >/dev/null 2>&1 || die "cargo not found; install Rust from https://rustup.rs"
    if command -v rustup >/dev/null 2>&1; then
        rustup target list --installed | grep -qx x86_64-unknown-linux-musl ||
            rustup target add x86_64-unknown-linux-musl
    fi
}

ensure_tools
ensure_rust
kver=$(kernel_version)
[ -f "/boot/vmlinuz-$kver" ] || die "kernel $kver not installed"
say "kernel $kver"

# --- the static binary ----------------------------------------------------

say "cargo build --locked --release --target x86_64-unknown-linux-musl"
(cd "$repo" && cargo build --quiet --locked --release --target x86_64-unknown-linux-musl)
# cargo reads a relative CARGO_TARGET_DIR from the repository root, where it ran.
target=${CARGO_TARGET_DIR:-target}
case $target in /*) ;; *) target=$repo/$target ;; esac
bin=$target/x86_64-unknown-linux-musl/release/xenready
[ -x "$bin" ] || die "$bin was not built"
is_static "$bin" || die "$bin is not static"
say "xenready $(wc -c <"$bin") bytes, static"

# --- initramfs ------------------------------------------------------------

sh "$here/initramfs.sh" "$work/initrd.gz" "$bin" /bin/busybox "$kver" "/lib/modules/$kver"
cp "/boot/vmlinuz-$kver" "$work/vmlinuz"

# Names the files of this build, so GRUB boots from this stick and no other.
build_id=xenready-$(cat "$work/vmlinuz" "$work/initrd.gz" | sha256sum | cut -c1-12)

# --- boot loader files ----------------------------------------------------

fill() { sed -e "s|@DIR@|$2|g" -e "s|@ID@|$build_id|g" "$here/boot/$1"; }

mkdir -p "$work/grub"
fill grub-embedded.cfg "" >"$work/grub/embedded.cfg"
say "grub-mkstandalone -O x86_64-efi"
grub-mkstandalone -O x86_64-efi -o "$work/BOOTX64.EFI" \
    --locales= --fonts= --themes= --compress=xz \
    --install-modules="linux normal configfile search search_fs_file part_msdos part_gpt \
fat iso9660 serial terminal echo test sleep halt reboot efifwsetup all_video efi_gop efi_uga \
video_bochs video_cirrus gzio" \
    --modules="part_msdos part_gpt fat iso9660 search search_fs_file configfile" \
    "boot/grub/grub.cfg=$work/grub/embedded.cfg"

bios=/usr/lib/syslinux/modules/bios
c32="ifcpu64.c32 cat.c32 libcom32.c32 libutil.c32 poweroff.c32 reboot.c32"

# --- licences and the source list ------------------------------------------

# xenready's own licences, the GPL texts of the kernel, busybox, syslinux
# (GPL-2) and GRUB (GPL-3), each package's Debian copyright file, and
# SOURCES.txt naming the exact Debian source of every third-party part.
licenses=$work/LICENSES
mkdir -p "$licenses"
cp "$repo/LICENSE-MIT" "$repo/LICENSE-APACHE" "$licenses/"
cp /usr/share/common-licenses/GPL-2 /usr/share/common-licenses/GPL-3 "$licenses/"
sh "$here/sources.sh" "$work/SOURCES.txt" "$licenses/debian" \
    "kernel=/boot/vmlinuz-$kver" \
    "kernel modules (in the initramfs)=/lib/modules/$kver/modules.order" \
    "busybox (in the initramfs)=/bin/busybox" \
    "syslinux boot sector and ldlinux.sys (written by the syslinux installer)=$(command -v syslinux)" \
    "syslinux MBR=/usr/lib/syslinux/mbr/mbr.bin" \
    "syslinux modules (*.c32)=$bios/ldlinux.c32" \
    "isolinux (ISO)=/usr/lib/ISOLINUX/isolinux.bin" \
    "GRUB EFI image (BOOTX64.EFI)=/usr/lib/grub/x86_64-efi/kernel.img" \
    "GRUB image builder (grub-mkstandalone)=$(command -v grub-mkstandalone)"
say "SOURCES.txt: $(grep -c '^  source package:' "$work/SOURCES.txt") parts named"

# --- the stick image ------------------------------------------------------

img=$out/xenready-usb.img
total=$((IMG_MIB * 2048))
part_sectors=$((total - PART_START))
offset=$((PART_START * 512))
rm -f "$img"
truncate -s $((total * 512)) "$img"
sfdisk --quiet "$img" <<EOF
label: dos
label-id: 0x58454e52
unit: sectors

start=$PART_START, size=$part_sectors, type=c, bootable
EOF
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$img" bs=440 count=1 conv=notrunc status=none
mkfs.vfat -F 32 -s 1 -n XENREADY -i 58454e52 -h "$PART_START" \
    --offset "$PART_START" "$img" $((part_sectors / 2)) >/dev/null

fat=$img@@$offset
mmd -i "$fat" ::/boot ::/boot/syslinux ::/boot/xenready ::/boot/grub ::/EFI ::/EFI/BOOT ::/xenready
mcopy -s -i "$fat" "$licenses" ::/
mcopy -i "$fat" "$work/SOURCES.txt" ::/SOURCES.txt
syslinux --install --directory /boot/syslinux --offset "$offset" "$img"
fill syslinux.cfg /boot/syslinux >"$work/syslinux.cfg"
fill no64.cfg /boot/syslinux >"$work/no64.cfg"
fill grub.cfg "" >"$work/grub.cfg"
: >"$work/$build_id.id"
mcopy -i "$fat" "$work/syslinux.cfg" "$work/no64.cfg" "$here/boot/no64.txt" ::/boot/syslinux/
for m in $c32; do mcopy -i "$fat" "$bios/$m" ::/boot/syslinux/; done
mcopy -i "$fat" "$work/vmlinuz" "$work/initrd.gz" "$work/$build_id.id" ::/boot/xenready/
mcopy -i "$fat" "$work/grub.cfg" ::/boot/grub/grub.cfg
mcopy -i "$fat" "$work/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$fat" "$here/boot/stick-marker.txt" ::/xenready.stick
say "$img: $(wc -c <"$img") bytes, FAT32 at sector $PART_START"

# --- the ISO --------------------------------------------------------------

iso_root=$work/iso
mkdir -p "$iso_root/isolinux" "$iso_root/boot/xenready" "$iso_root/boot/grub" "$iso_root/EFI/BOOT"
cp /usr/lib/ISOLINUX/isolinux.bin "$bios/ldlinux.c32" "$iso_root/isolinux/"
for m in $c32; do cp "$bios/$m" "$iso_root/isolinux/"; done
fill syslinux.cfg /isolinux >"$iso_root/isolinux/isolinux.cfg"
fill no64.cfg /isolinux >"$iso_root/isolinux/no64.cfg"
cp "$here/boot/no64.txt" "$iso_root/isolinux/"
cp "$work/vmlinuz" "$work/initrd.gz" "$work/$build_id.id" "$iso_root/boot/xenready/"
cp "$work/grub.cfg" "$iso_root/boot/grub/grub.cfg"
cp "$work/BOOTX64.EFI" "$iso_root/EFI/BOOT/"
# The marker tells /init it booted from the ISO, which it cannot write to.
cp "$here/boot/stick-marker.txt" "$iso_root/xenready.stick"
cp -R "$licenses" "$iso_root/LICENSES"
cp "$work/SOURCES.txt" "$iso_root/SOURCES.txt"

# UEFI reads El Torito's EFI entry as a FAT image holding BOOTX64.EFI.
efi_kib=$(($(wc -c <"$work/BOOTX64.EFI") / 1024 + 256))
mkfs.vfat -C -n XENREADYEFI -i 58454e53 "$iso_root/boot/efiboot.img" "$efi_kib" >/dev/null
mmd -i "$iso_root/boot/efiboot.img" ::/EFI ::/EFI/BOOT
mcopy -i "$iso_root/boot/efiboot.img" "$work/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI

iso=$out/xenready.iso
rm -f "$iso"
xorriso -report_about SORRY -as mkisofs -quiet -o "$iso" -V XENREADY -R -J \
    -isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin \
    -c isolinux/boot.cat -b isolinux/isolinux.bin \
    -no-emul-boot -boot-load-size 4 -boot-info-table \
    -eltorito-alt-boot -e boot/efiboot.img -no-emul-boot -isohybrid-gpt-basdat \
    "$iso_root"
say "$iso: $(wc -c <"$iso") bytes"
