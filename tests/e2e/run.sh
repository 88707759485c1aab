#!/usr/bin/env bash
# End-to-end tests of the xenready boot stick: builds the image and the ISO,
# boots them in QEMU machines dressed as servers, reads the serial console
# and, after power-off, the reports the stick holds.
#
# usage: tests/e2e/run.sh [--update-fixtures] [--no-build] [--out DIR] [SCENARIO...]
#   --update-fixtures  copy each scenario's evidence bundle (the raw capture,
#                      whatever the assertions say) to
#                      tests/fixtures/qemu/SCENARIO.evidence.json
#   --no-build         reuse DIR/xenready-usb.img and DIR/xenready.iso
#   --out DIR          build and work directory (default
#                      ${CARGO_TARGET_DIR:-target}/e2e)
#   SCENARIO...        run only these (second-boot needs old-dell)
#
# QEMU emulates the CPU (TCG) so the CPU models are exactly those asked for;
# XENREADY_E2E_KVM=1 uses KVM instead. The last line is "N passed, M failed";
# the exit status is non-zero when any scenario failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# Under cargo's target dir, which a relative CARGO_TARGET_DIR names from the
# repository root (where the build runs cargo).
target=${CARGO_TARGET_DIR:-target}
[[ $target == /* ]] || target=$repo/$target
out=$target/e2e
update_fixtures=0
build=1
only=()
while (($#)); do
    case $1 in
        --update-fixtures) update_fixtures=1 ;;
        --no-build) build=0 ;;
        --out) out=$2; shift ;;
        -h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) only+=("$1") ;;
    esac
    shift
done

BOOT_TIMEOUT=${XENREADY_E2E_TIMEOUT:-120}
OVMF=/usr/share/ovmf/OVMF.fd
export MTOOLS_SKIP_CHECK=1

# --- machine setup ----------------------------------------------------------

need_packages() {
    local missing=() entry
    for entry in qemu-system-x86_64:qemu-system-x86 mcopy:mtools python3:python3 timeout:coreutils; do
        command -v "${entry%%:*}" >/dev/null 2>&1 || missing+=("${entry#*:}")
    done
    [[ -f $OVMF ]] || missing+=(ovmf)
    ((${#missing[@]})) || return 0
    if ((EUID == 0)) && command -v apt-get >/dev/null; then
        echo "run.sh: installing ${missing[*]}"
        apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "run.sh: missing packages. Install them with:" >&2
        echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
}
need_packages

mkdir -p "$out/runs"
img=$out/xenready-usb.img
iso=$out/xenready.iso
started=$(date +%s)
if ((build)); then
    echo "== build"
    t0=$(date +%s)
    "$repo/packaging/usb/build.sh" --out "$out" || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
    echo "build: $(($(date +%s) - t0)) s"
fi
[[ -f $img && -f $iso ]] || { echo "no image in $out (drop --no-build)"; echo "0 passed, 1 failed"; exit 1; }
echo "image: xenready-usb.img $(stat -c %s "$img") bytes ($(($(stat -c %s "$img") / 1048576)) MiB); xenready.iso $(stat -c %s "$iso") bytes"
# The stick image must fit the smallest sticks still sold and dd quickly:
# at most 64 MB (decimal, the stricter reading).
if (($(stat -c %s "$img") > 64000000)); then
    echo "FAIL: xenready-usb.img is larger than 64 MB" >&2
    exit 1
fi

if [[ ${XENREADY_E2E_KVM:-} == 1 ]]; then accel=kvm; else accel=tcg; fi

# The FAT partition's byte offset, from the MBR's first entry.
fat_offset() {
    python3 -c 'import sys,struct;d=open(sys.argv[1],"rb").read(512);print(struct.unpack_from("<I",d,454)[0]*512)' "$1"
}

# with_args IMAGE ARGS: adds kernel arguments to both boot loaders' entries,
# as a user editing the stick's syslinux.cfg or grub.cfg would.
with_args() {
    local fat file tmp
    fat=$1@@$(fat_offset "$1")
    for file in /boot/syslinux/syslinux.cfg /boot/grub/grub.cfg; do
        tmp=$(mktemp)
        mtype -i "$fat" "::$file" | sed "s|console=ttyS0,115200|& $2|" >"$tmp" &&
            mcopy -o -i "$fat" "$tmp" "::$file"
        rm -f "$tmp"
    done
}

# reports IMAGE DIR: copies the stick's xenready/ folder out of the image.
reports() {
    local fat
    fat=$1@@$(fat_offset "$1")
    rm -rf "$2"
    mkdir -p "$2"
    if mdir -i "$fat" ::/xenready >/dev/null 2>&1; then
        mcopy -s -n -i "$fat" "::/xenready/*" "$2/" 2>/dev/null
    fi
    # mcopy skips names starting with a dot unless told; list them too, as a
    # temp file left behind is a failure.
    mdir -a -b -i "$fat" ::/xenready 2>/dev/null | sed 's|.*/||' >"$2.listing"
}

passed=0
failed=0
failed_names=()
known=()
summary=()

# scenario NAME FIRMWARE MEDIA KERNEL_ARGS [QEMU_ARGS...]
#   FIRMWARE bios|uefi; MEDIA stick (a fresh copy of the image), reuse:NAME
#   (that scenario's stick, booted again), iso (the ISO as a USB disk),
#   cdrom (the ISO in a CD drive).
scenario() {
    local name=$1 firmware=$2 media=$3 kargs=$4
    shift 4
    known+=("$name")
    if ((${#only[@]})) && [[ " ${only[*]} " != *" $name "* ]]; then return; fi
    local dir=$out/runs/$name disk boot=() sends=() nmi=()
    rm -rf "$dir"
    mkdir -p "$dir"
    echo
    echo "== $name"
    case $media in
        stick)
            disk=$dir/stick.img
            cp "$img" "$disk"
            ;;
        reuse:*)
            disk=$out/runs/${media#reuse:}/stick.img
            [[ -f $disk ]] || { record "$name" fail "needs scenario ${media#reuse:} first"; return; }
            cp "$disk" "$dir/before.img"
            reports "$dir/before.img" "$dir/before"
            ;;
        iso | cdrom) disk=$dir/stick.iso; cp "$iso" "$disk" ;;
    esac
    [[ -n $kargs && $media != iso && $media != cdrom ]] && with_args "$disk" "$kargs"
    case $firmware in
        uefi) boot+=(-bios "$OVMF") ;;
    esac
    # shellcheck disable=SC2054 # commas belong to QEMU's option syntax
    local usb=(-device qemu-xhci,id=usb -device usb-storage,bus=usb.0,drive=stick,bootindex=0)
    local drive=(-drive "if=none,id=stick,format=raw,file=$disk")
    if [[ $media == cdrom ]]; then
        # shellcheck disable=SC2054
        usb=(-device ide-cd,drive=stick,bootindex=0)
        drive=(-drive "if=none,id=stick,format=raw,media=cdrom,readonly=on,file=$disk")
    fi
    local args=()
    for a in "$@"; do
        case $a in
            ehci) usb=(-device "usb-ehci,id=usb" -device "usb-storage,bus=usb.0,drive=stick,bootindex=0") ;;
            send:*) sends+=(--send "${a#send:}") ;;
            nmi) nmi=(--nmi --qmp "$dir/qmp.sock") ;;
            *) args+=("$a") ;;
        esac
    done
    local qemu=(qemu-system-x86_64 -accel "$accel" -m 2048 -display none -serial stdio
        -monitor none -no-reboot -nic none "${boot[@]}" "${args[@]}"
        "${drive[@]}" "${usb[@]}")
    ((${#nmi[@]})) && qemu+=(-qmp "unix:$dir/qmp.sock,server=on,wait=off")
    printf '%q ' "${qemu[@]}" >"$dir/qemu.cmd"
    echo >>"$dir/qemu.cmd"
    timeout --kill-after=10 $((BOOT_TIMEOUT + 20)) \
        python3 "$here/qemu_boot.py" --log "$dir/serial.log" --timeout "$BOOT_TIMEOUT" \
        "${nmi[@]}" "${sends[@]}" -- "${qemu[@]}" >"$dir/boot.out" 2>&1
    cat "$dir/boot.out"
    local timing
    timing=$(sed -n 's/^boot: \(verdict_s=.*\)/\1/p' "$dir/boot.out" | tail -n 1)
    [[ $media == iso || $media == cdrom ]] || reports "$disk" "$dir/reports"
    local check=(python3 "$here/check.py" "$name" --dir "$dir" --boot "${timing:-status=none}")
    if "${check[@]}"; then
        record "$name" pass "$timing"
    else
        record "$name" fail "$timing"
        echo "serial console: $dir/serial.log"
    fi
    ((update_fixtures)) && [[ $media == stick ]] && save_fixture "$name" "$dir/reports"
}

# A fixture is the raw capture of that machine: kept whenever the boot saved
# a bundle that reads back, even when a judgement on it is still failing
# (the decoder it waits for will be tested on exactly this capture).
save_fixture() {
    local bundle
    bundle=$(find "$2" -name '*.evidence.json' | sort | tail -n 1)
    if [[ -z $bundle ]] || ! python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); sys.exit(0 if "format" in b and "sources" in b else 1)' "$bundle" 2>/dev/null; then
        echo "fixture: none for $1 (no evidence bundle on the stick)"
        return
    fi
    mkdir -p "$repo/tests/fixtures/qemu"
    cp "$bundle" "$repo/tests/fixtures/qemu/$1.evidence.json"
    echo "fixture: tests/fixtures/qemu/$1.evidence.json"
}

record() {
    if [[ $2 == pass ]]; then
        passed=$((passed + 1))
        echo "PASS $1 ($3)"
    else
        failed=$((failed + 1))
        failed_names+=("$1")
        echo "FAIL $1 ($3)"
    fi
    summary+=("$(printf '%-12s %-4s %s' "$1" "$2" "$3")")
}

# Scenarios that judge hardware hide the CPUID hypervisor bit (-cpu
# ...,-hypervisor) and give a server's SMBIOS identity instead of QEMU's, so
# the report is not a virtual-machine report.
auto=xenready.auto=1

# An old Dell on USB 2.0: a Core 2 without VT-x. Xen runs PV guests only.
scenario old-dell bios stick "$auto" -machine pc -cpu core2duo,-vmx,-hypervisor ehci \
    -smbios "type=0,vendor=Dell Inc.,version=2.7.0" \
    -smbios "type=1,manufacturer=Dell Inc.,product=PowerEdge 2950,serial=7XJ2K3J"

# The same stick booted again: a second report beside the first.
scenario second-boot bios reuse:old-dell "$auto" -machine pc -cpu core2duo,-vmx,-hypervisor ehci \
    -smbios "type=0,vendor=Dell Inc.,version=2.7.0" \
    -smbios "type=1,manufacturer=Dell Inc.,product=PowerEdge 2950,serial=7XJ2K3J"

# AMD EPYC: TCG emulates AMD-V with nested paging (SVM, NPT).
scenario epyc bios stick "$auto" -machine pc -cpu EPYC,-hypervisor \
    -smbios "type=0,vendor=American Megatrends Inc.,version=2.1" \
    -smbios "type=1,manufacturer=Supermicro,product=AS-1014S-WTRT,serial=S41234567"

# Two sockets, one core each, two threads per core.
scenario smt bios stick "$auto" -machine pc -cpu Skylake-Server-noTSX-IBRS,-hypervisor \
    -smp 4,sockets=2,cores=1,threads=2 \
    -smbios "type=0,vendor=HPE,version=P89" \
    -smbios "type=1,manufacturer=HPE,product=ProLiant DL380 Gen10,serial=CZJ0000001"

# VT-d: QEMU's intel-iommu publishes an ACPI DMAR table.
scenario intel-iommu bios stick "$auto" -machine q35 -device intel-iommu \
    -cpu Skylake-Server-noTSX-IBRS,-hypervisor \
    -smbios "type=0,vendor=Lenovo,version=TEE1" \
    -smbios "type=1,manufacturer=Lenovo,product=ThinkSystem SR650,serial=J3000001"

# AMD-Vi: QEMU's amd-iommu publishes an ACPI IVRS table.
scenario amd-iommu bios stick "$auto" -machine q35 -device amd-iommu -cpu EPYC,-hypervisor \
    -smbios "type=0,vendor=Dell Inc.,version=2.10.2" \
    -smbios "type=1,manufacturer=Dell Inc.,product=PowerEdge R7515,serial=8ZZ0001"

# An NMI the kernel cannot explain, injected before the probe reads the log.
scenario nmi bios stick "$auto xenready.wait_nmi=60" nmi -machine pc \
    -cpu Skylake-Server-noTSX-IBRS,-hypervisor \
    -smbios "type=0,vendor=Dell Inc.,version=2.19.0" \
    -smbios "type=1,manufacturer=Dell Inc.,product=PowerEdge R640,serial=FNMI001"

# UEFI (OVMF) boots the same image through GRUB; QEMU's own identity and
# the CPUID hypervisor bit left in: the report must say it describes a VM.
scenario uefi-vm uefi stick "$auto" -machine q35 -cpu EPYC

# The hybrid ISO written to a stick: isolinux boots it, nothing to write to.
# No xenready.auto here: the harness presses a key as a user would.
scenario iso bios iso "" -machine pc -cpu EPYC,-hypervisor "send:Press any key=\n"

# The ISO in a CD drive under UEFI: GRUB from the El Torito EFI image.
scenario iso-uefi uefi cdrom "" -machine q35 -cpu EPYC "send:Press any key=\n"

# A 32-bit-only CPU: syslinux says why instead of starting the kernel.
scenario no64 bios stick "" -machine pc -cpu pentium3 "send:or reboot to restart.=poweroff\n"

for name in "${only[@]}"; do
    [[ " ${known[*]} " == *" $name "* ]] || record "$name" fail "no such scenario (known: ${known[*]})"
done

echo
echo "== summary (name, result, seconds from power-on to the verdict on the serial console)"
printf '%s\n' "${summary[@]}"
echo "image size: $(stat -c %s "$img") bytes; total $(($(date +%s) - started)) s"
((failed == 0)) || echo "failed: ${failed_names[*]}"
echo "$passed passed, $failed failed"
((failed == 0))
