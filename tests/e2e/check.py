#!/usr/bin/env python3
"""Assertions on one end-to-end scenario: what the serial console showed and
what the stick holds after power-off.

usage: check.py SCENARIO --dir RUN_DIR --boot "verdict_s=.. total_s=.. status=.."

RUN_DIR holds serial.log, reports/ (the stick's xenready/ folder),
reports.listing (every name in it, hidden ones too) and, for a second boot,
before/ (the folder as the first boot left it). Prints one line per
assertion; exits 1 when any fails.
"""

import argparse
import hashlib
import json
import os
import re
import sys

SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
KINDS = ("evidence.json", "json", "txt")
HEADLINE = {
    "ready": "READY",
    "needs-changes": "NEEDS CHANGES",
    "limited": "LIMITED",
    "not-suitable": "NOT SUITABLE",
    "unknown": "UNKNOWN",
}


class Check:
    def __init__(self):
        self.failures = 0

    def that(self, condition, what, got=None):
        if condition:
            print(f"  ok   {what}")
        else:
            self.failures += 1
            detail = "" if got is None else f" (got {got!r})"
            print(f"  FAIL {what}{detail}")
        return bool(condition)


def clean_name(value):
    """What the stick's /init makes of a firmware string in a file name."""
    value = re.sub(r"-+", "-", re.sub(r"[^A-Za-z0-9._-]", "-", value))
    value = re.sub(r"^[-.]*", "", value)
    value = re.sub(r"[-.]*$", "", value)[:40]
    return value or "unknown"


def split_name(name):
    for kind in KINDS:
        if name.endswith("." + kind):
            return name[: -len(kind) - 1], kind
    return None, None


def load_reports(folder):
    """{base name: {kind: path}} for the report files in folder."""
    reports = {}
    if not os.path.isdir(folder):
        return reports
    for name in sorted(os.listdir(folder)):
        base, kind = split_name(name)
        if base is not None:
            reports.setdefault(base, {})[kind] = os.path.join(folder, name)
    return reports


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        return e


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def finding(report, finding_id):
    for f in report.get("findings", []):
        if f.get("id") == finding_id:
            return f
    return None


def finding_ids(report):
    return [f.get("id") for f in report.get("findings", [])]


def cap(report, name):
    return report.get("capabilities", {}).get(name, {})


def source(report, name):
    for s in report.get("sources", []):
        if s.get("name") == name:
            return s
    return {}


class Scenario:
    def __init__(self, name, run_dir, boot):
        self.name = name
        self.dir = run_dir
        self.boot = dict(p.split("=", 1) for p in boot.split() if "=" in p)
        self.check = Check()
        path = os.path.join(run_dir, "serial.log")
        try:
            with open(path, "rb") as f:
                self.serial = f.read().decode("utf-8", "replace").replace("\r", "")
        except OSError:
            self.serial = ""
        self.reports = load_reports(os.path.join(run_dir, "reports"))
        listing = os.path.join(run_dir, "reports.listing")
        self.listing = []
        if os.path.exists(listing):
            with open(listing, encoding="utf-8", errors="replace") as f:
                self.listing = [n.strip() for n in f if n.strip()]
        self.report = None
        self.base = None

    # -- common ------------------------------------------------------------

    def powered_off(self):
        self.check.that(
            self.boot.get("status") == "poweroff",
            "the machine powered itself off before the timeout",
            self.boot.get("status"),
        )

    def verdict_shown(self):
        self.check.that(
            self.boot.get("verdict_s", "none") != "none",
            "the verdict banner reached the serial console",
        )

    def summary_first(self):
        banner = re.search(
            r"^\s*\[.\] (READY|NEEDS CHANGES|LIMITED|NOT SUITABLE|UNKNOWN) - ",
            self.serial,
            re.M,
        )
        machine = self.serial.find("\nMachine ")
        full = self.serial.find("full report")
        table = self.serial.find("\nCapabilities")
        self.check.that(
            banner is not None and 0 <= machine < full < table and banner.start() < full,
            "summary (verdict, machine, CPU) printed before the full report",
        )

    def saved(self, expect_count):
        """The stick holds expect_count complete reports; returns the newest."""
        c = self.check
        c.that(
            len(self.reports) == expect_count,
            f"{expect_count} report(s) on the stick",
            sorted(self.reports),
        )
        leftovers = [n for n in self.listing if n.startswith(".") and n not in (".", "..")]
        leftovers += [n for n in self.listing if n.endswith(".tmp")]
        c.that(not leftovers, "no temporary file left in xenready/", leftovers)
        if not self.reports:
            return None
        for base, kinds in self.reports.items():
            c.that(SAFE_NAME.match(base), f"file name {base} uses only [A-Za-z0-9._-]")
            c.that(
                sorted(kinds) == sorted(KINDS),
                f"{base}: .txt, .json and .evidence.json all present",
                sorted(kinds),
            )
        newest = sorted(self.reports)[-1]
        kinds = self.reports[newest]
        self.base = newest
        report = read_json(kinds.get("json", ""))
        ok = c.that(isinstance(report, dict), f"{newest}.json parses as JSON", str(report))
        bundle = read_json(kinds.get("evidence.json", ""))
        c.that(
            isinstance(bundle, dict) and "format" in bundle and "sources" in bundle,
            f"{newest}.evidence.json is an evidence bundle",
        )
        try:
            with open(kinds.get("txt", ""), encoding="utf-8") as f:
                text = f.read()
        except OSError:
            text = ""
        c.that(text.startswith("xenready "), f"{newest}.txt is the text report")
        for kind in KINDS:
            line = f"Report saved: xenready/{newest}.{kind}"
            c.that(line in self.serial, f"console says: {line}")
        if not ok:
            return None
        self.report = report
        verdict = report.get("verdict")
        headline = HEADLINE.get(verdict, "?")
        c.that(
            re.search(rf"^\s*\[.\] {headline} - ", self.serial, re.M),
            f"console verdict matches the JSON verdict ({verdict})",
        )
        return report

    def hardware_not_vm(self, report):
        self.check.that(
            report.get("environment", {}).get("platform") == "bare-metal",
            "judged as bare metal (hypervisor bit hidden, server SMBIOS)",
            report.get("environment", {}).get("platform"),
        )
        self.check.that(
            "running-in-vm" not in finding_ids(report), "no running-in-vm finding"
        )

    def machine_is(self, report, vendor, product, serial, bios_vendor, bios_version):
        m = report.get("machine", {})
        c = self.check
        c.that(m.get("vendor") == vendor, f"machine vendor {vendor!r}", m.get("vendor"))
        c.that(m.get("product") == product, f"machine product {product!r}", m.get("product"))
        c.that(m.get("serial") == serial, f"machine serial {serial!r}", m.get("serial"))
        c.that(
            m.get("bios_vendor") == bios_vendor,
            f"BIOS vendor {bios_vendor!r}",
            m.get("bios_vendor"),
        )
        c.that(
            m.get("bios_version") == bios_version,
            f"BIOS version {bios_version!r}",
            m.get("bios_version"),
        )
        prefix = "_".join(clean_name(v) for v in (vendor, product, serial))
        c.that(
            (self.base or "").startswith(prefix + "_"),
            f"report named {prefix}_<UTC time>",
            self.base,
        )

    def cap_state(self, report, name, states):
        state = cap(report, name).get("state")
        self.check.that(state in states, f"capabilities.{name}.state in {states}", state)

    def stick_boot(self, expect_count=1):
        self.powered_off()
        self.verdict_shown()
        self.summary_first()
        return self.saved(expect_count) or {}

    # -- scenarios ---------------------------------------------------------

    def old_dell(self):
        r = self.stick_boot()
        if not r:
            return
        self.machine_is(r, "Dell Inc.", "PowerEdge 2950", "7XJ2K3J", "Dell Inc.", "2.7.0")
        self.hardware_not_vm(r)
        self.cap_state(r, "hvm", ("unsupported",))
        self.check.that("hvm-unsupported" in finding_ids(r), "finding hvm-unsupported")
        self.check.that(r.get("verdict") == "limited", "verdict limited", r.get("verdict"))

    def second_boot(self):
        before = load_reports(os.path.join(self.dir, "before"))
        self.check.that(len(before) == 1, "the first boot left one report", sorted(before))
        r = self.stick_boot(expect_count=2)
        if not r:
            return
        for base, kinds in before.items():
            for kind, path in kinds.items():
                after = self.reports.get(base, {}).get(kind)
                self.check.that(
                    after is not None and sha256(after) == sha256(path),
                    f"first report {base}.{kind} untouched",
                )
        self.check.that(self.base not in before, "the second report has a name of its own")

    def epyc(self):
        r = self.stick_boot()
        if not r:
            return
        self.hardware_not_vm(r)
        vendor = r.get("cpu", {}).get("vendor") or ""
        self.check.that("AMD" in vendor, "CPU vendor AMD", vendor)
        self.cap_state(r, "hvm", ("available",))
        self.cap_state(r, "hap", ("available",))

    def smt(self):
        r = self.stick_boot()
        if not r:
            return
        self.hardware_not_vm(r)
        cpu = r.get("cpu", {})
        for key, want in (("sockets", 2), ("cores", 1), ("threads", 2)):
            self.check.that(cpu.get(key) == want, f"cpu.{key} == {want}", cpu.get(key))
        smt = cap(r, "smt")
        self.check.that(
            smt.get("state") == "available" and smt.get("os") == "active",
            "SMT available and active",
            (smt.get("state"), smt.get("os")),
        )
        ids = finding_ids(r)
        self.check.that("cpus-missing" not in ids, "no cpus-missing finding", ids)
        self.check.that("smt-disabled" not in ids, "no smt-disabled finding", ids)

    def iommu(self, table):
        r = self.stick_boot()
        if not r:
            return
        self.hardware_not_vm(r)
        acpi = source(r, "acpi")
        self.check.that(acpi.get("status") == "ok", "source acpi read ok", acpi or "absent")
        iommu = cap(r, "iommu")
        self.check.that(
            iommu.get("state") in ("available", "supported") and iommu.get("silicon") == "yes",
            f"IOMMU present ({table} decoded)",
            (iommu.get("state"), iommu.get("silicon")),
        )
        # Only an IOMMU judged present counts: a note that the tables were
        # not read names them too.
        evidence = " ".join(iommu.get("evidence", []))
        self.check.that(
            table in evidence and iommu.get("silicon") == "yes",
            f"the IOMMU judgement rests on the {table} table",
            evidence,
        )

    def intel_iommu(self):
        self.iommu("DMAR")

    def amd_iommu(self):
        self.iommu("IVRS")

    def nmi(self):
        self.check.that(
            "xenready: ready for NMI" in self.serial, "the probe waited for the NMI"
        )
        r = self.stick_boot()
        pattern = re.compile(r"NMI[^\n]*?reason ([0-9a-fA-F]{2}) on CPU (\d+)")
        logged = pattern.search(self.serial)
        if logged is None:
            # The console may have been quiet; the bundle holds the log.
            bundle = self.reports.get(self.base or "", {}).get("evidence.json")
            if bundle:
                with open(bundle, encoding="utf-8", errors="replace") as f:
                    logged = pattern.search(f.read())
        if not self.check.that(logged, "the kernel logged the NMI (reason, CPU)"):
            return
        reason, cpu_n = logged.group(1).lower(), logged.group(2)
        print(f"  kernel: NMI reason {reason} on CPU {cpu_n}")
        if not r:
            return
        f = finding(r, "nmi-errors-logged")
        if not self.check.that(f, "finding nmi-errors-logged", finding_ids(r)):
            return
        text = " ".join([f.get("detail", "")] + f.get("evidence", [])).lower()
        self.check.that(f"reason {reason}" in text, f"finding names reason {reason}", text)
        self.check.that(
            re.search(rf"cpu {cpu_n}\b", text), f"finding names CPU {cpu_n}", text
        )

    def uefi_vm(self):
        self.check.that("GNU GRUB" in self.serial, "booted through GRUB (UEFI)")
        self.check.that("SYSLINUX" not in self.serial, "syslinux (BIOS) not involved")
        r = self.stick_boot()
        if not r:
            return
        env = r.get("environment", {})
        self.check.that(
            env.get("platform") == "virtual-machine",
            "judged as a virtual machine (hypervisor bit set)",
            env.get("platform"),
        )
        self.check.that("running-in-vm" in finding_ids(r), "finding running-in-vm")

    def iso(self):
        self.check.that("ISOLINUX" in self.serial, "booted through isolinux (hybrid MBR)")
        self.read_only_boot()

    def iso_uefi(self):
        self.check.that("GNU GRUB" in self.serial, "booted through GRUB (El Torito EFI image)")
        self.check.that("ISOLINUX" not in self.serial, "isolinux (BIOS) not involved")
        self.read_only_boot()

    def read_only_boot(self):
        self.powered_off()
        self.verdict_shown()
        self.summary_first()
        self.check.that(
            "booted from the read-only ISO image" in self.serial,
            "says there is nowhere to write",
        )
        self.check.that("Report saved:" not in self.serial, "claims no saved report")
        self.check.that("Press any key to power off" in self.serial, "waited for a key")

    def no64(self):
        self.check.that(
            "CANNOT BE A XEN HOST" in self.serial and "no 64-bit mode" in self.serial,
            "syslinux explains that a CPU without 64-bit mode cannot run Xen",
        )
        self.check.that(
            "xenready: probing" not in self.serial and "Linux version" not in self.serial,
            "the 64-bit kernel was not started",
        )
        self.check.that(
            self.boot.get("status") in ("poweroff", "timeout"),
            "stopped (powered off, or left at the prompt)",
            self.boot.get("status"),
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--boot", default="")
    args = parser.parse_args()
    s = Scenario(args.scenario, args.dir, args.boot)
    method = getattr(s, args.scenario.replace("-", "_"), None)
    if method is None:
        print(f"check.py: unknown scenario {args.scenario}")
        return 2
    method()
    return 1 if s.check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
