#!/bin/sh
# Builds the boot stick's initramfs (a gzip-compressed newc cpio archive)
# without mkinitramfs, root or device nodes on the build machine: the
# archive is written entry by entry, so /dev/console can be a character
# device, every owner is root and every time stamp is SOURCE_DATE_EPOCH.
#
# usage: initramfs.sh OUT.cpio.gz XENREADY_BINARY BUSYBOX_BINARY KERNEL_VERSION MODULES_DIR
#   MODULES_DIR is /lib/modules/KERNEL_VERSION of the installed kernel.
set -eu

out=$1
xenready=$2
busybox=$3
kver=$4
moddir=$5
here=$(cd "$(dirname "$0")" && pwd)
mtime=${SOURCE_DATE_EPOCH:-0}

# Modules the stick needs, named as modprobe would, in load order. Their
# dependencies are added from modules.dep; built-in ones are skipped. The
# crc providers are sd_mod's soft dependencies (modules.softdep names them
# by crypto alias), loaded first so its checksums get a real driver.
# nls_ascii: Debian's kernels mount FAT with iocharset=ascii by default.
wanted="msr cpuid
xhci_pci xhci_hcd ehci_pci ehci_hcd ohci_pci ohci_hcd uhci_hcd
crct10dif_generic crc64_rocksoft_generic
usb_storage uas sd_mod sr_mod
ahci ata_piix virtio_pci virtio_blk virtio_scsi
usbhid hid_generic
vfat fat nls_cp437 nls_ascii nls_iso8859_1 nls_utf8 isofs"

work=$(mktemp -d "${TMPDIR:-/tmp}/xenready-initramfs.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- modules: resolve names to files, dependencies first ------------------

[ -f "$moddir/modules.dep" ] || { echo "initramfs: $moddir/modules.dep not found" >&2; exit 1; }

# One path per line, each after everything it depends on. A name is matched
# against the file's base name with '-' read as '_' (as modprobe does).
awk -v wanted="$(printf '%s\n' "$wanted" | tr '\n' ' ')" -v builtin_file="$moddir/modules.builtin" '
    function norm(path,   base) {
        base = path
        sub(/.*\//, "", base)
        sub(/\.ko(\.(xz|zst|gz))?$/, "", base)
        gsub(/-/, "_", base)
        return base
    }
    function visit(path,   n, deps, i) {
        if (path in done) return
        done[path] = 1
        n = split(depends[path], deps, " ")
        for (i = 1; i <= n; i++) visit(deps[i])
        print path
    }
    BEGIN {
        while ((getline line < builtin_file) > 0) builtin[norm(line)] = 1
    }
    {
        path = $1
        sub(/:$/, "", path)
        depends[path] = ""
        for (i = 2; i <= NF; i++) depends[path] = depends[path] " " $i
        file[norm(path)] = path
    }
    END {
        n = split(wanted, names, " ")
        for (i = 1; i <= n; i++) {
            name = names[i]
            if (name in file) visit(file[name])
            else if (name in builtin) printf "initramfs: %s is built into the kernel\n", name > "/dev/stderr"
            else printf "initramfs: warning: module %s not found in modules.dep\n", name > "/dev/stderr"
        }
    }
' "$moddir/modules.dep" >"$work/modules.order"

root="$work/root"
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/mnt/stick" \
    "$root/lib/modules/$kver"

# busybox insmod reads plain .ko files only, so compressed modules are
# unpacked here; the load list keeps modules.dep's order, suffix dropped.
: >"$root/lib/modules/$kver/load.list"
while read -r rel; do
    plain=${rel%.xz}
    plain=${plain%.zst}
    plain=${plain%.gz}
    mkdir -p "$root/lib/modules/$kver/$(dirname "$plain")"
    case $rel in
        *.xz) xz -dc "$moddir/$rel" >"$root/lib/modules/$kver/$plain" ;;
        *.zst) zstd -qdc "$moddir/$rel" >"$root/lib/modules/$kver/$plain" ;;
        *.gz) gzip -dc "$moddir/$rel" >"$root/lib/modules/$kver/$plain" ;;
        *) cp "$moddir/$rel" "$root/lib/modules/$kver/$plain" ;;
    esac
    echo "$plain" >>"$root/lib/modules/$kver/load.list"
done <"$work/modules.order"

cp "$busybox" "$root/bin/busybox"
cp "$xenready" "$root/bin/xenready"
cp "$here/init" "$root/init"
chmod 0755 "$root/bin/busybox" "$root/bin/xenready" "$root/init"

# --- the archive ----------------------------------------------------------

ino=1000
# entry NAME MODE SIZE [RDEV_MAJOR RDEV_MINOR]: a newc header and the name,
# padded so the data that follows starts on a 4-byte boundary.
entry() {
    ino=$((ino + 1))
    namesize=$((${#1} + 1))
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
        "$ino" "$2" 0 0 1 "$mtime" "$3" 0 0 "${4:-0}" "${5:-0}" "$namesize" 0 "$1"
    pad $((110 + namesize))
}
pad() {
    n=$(((4 - $1 % 4) % 4))
    [ "$n" -eq 0 ] || head -c "$n" /dev/zero
}
dir() { entry "$1" $((0040755)) 0; }
file() {
    size=$(($(wc -c <"$root/$1")))
    mode=$((0100644))
    [ -x "$root/$1" ] && mode=$((0100755))
    entry "$1" "$mode" "$size"
    cat "$root/$1"
    pad "$size"
}
link() {
    entry "$1" $((0120777)) ${#2}
    printf '%s' "$2"
    pad ${#2}
}

(cd "$root" && find . -mindepth 1 -type d | sed 's|^\./||' | LC_ALL=C sort) >"$work/dirs"
(cd "$root" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) >"$work/files"
"$busybox" --list | LC_ALL=C sort | grep -vx busybox >"$work/applets"

# Loops read from files, not pipes, so they run in this shell and every
# entry gets its own inode number.
{
    while read -r d; do dir "$d"; done <"$work/dirs"
    entry dev/console $((0020600)) 0 5 1
    while read -r f; do file "$f"; done <"$work/files"
    # Applet links made here rather than by `busybox --install` at boot,
    # which needs /proc before anything can mount it.
    while read -r applet; do link "bin/$applet" busybox; done <"$work/applets"
    entry TRAILER!!! 0 0
} | gzip -9n >"$out"

count=$(wc -l <"$work/modules.order")
echo "initramfs: $out ($(wc -c <"$out") bytes, $count modules)"
