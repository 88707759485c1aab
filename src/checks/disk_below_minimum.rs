use super::{sources, Check, Context, Doc, Hit, Outcome};
use crate::facts::BlockDevice;
use crate::model::{CheckId, Platform, Severity, SourceName};

/// Installers count binary gigabytes, floored: XenServer's host-installer
/// `diskutil.blockSizeToGBSize` is `(blocks * 512) // (1024 * 1024 * 1024)`,
/// so a 46x10^9-byte disk is 42 "GB" and below a 46 minimum.
const GIB: u64 = 1024 * 1024 * 1024;
/// Disks listed in the evidence before the rest are only counted.
const LISTED: usize = 8;

pub static CHECK: Check = Check {
    id: CheckId::DiskBelowMinimum,
    severity: Severity::Action,
    title: "No fixed disk as large as the Xen target needs",
    subject: "An install disk for the target",
    doc: Doc {
        what: "Looks for a physical, non-removable disk (from /sys/block) at least as large as \
               the chosen Xen target's minimum. Removable devices, such as the USB stick the \
               probe booted from, and md/device-mapper volumes do not count.",
        why: "XenServer and XCP-ng install dom0 and their local storage on one fixed disk and \
              refuse disks below their minimum, counted in GiB and rounded down (12 for \
              XenServer 6.5, 46 since XenServer 7). Old servers often show no \
              disk at all until an array is created on their RAID controller.",
        evidence: "/sys/block/*: size (512-byte sectors), removable, queue/rotational, \
                   device/model and device/vendor, and where each device sits in sysfs; the \
                   target's min_disk_gb from probes/targets.toml.",
        fix: "Fit a disk of at least the target's minimum, or create a virtual disk (array) on \
              the RAID controller so that the OS sees one; a USB stick is no install target.",
    },
    settings: &[],
    reads: &[&[SourceName::Block]],
    run,
};

fn run(context: &Context) -> Outcome {
    let Some(minimum_gb) = context.target.min_disk_gb.filter(|&gb| gb > 0) else {
        return Outcome::DoesNotApply {
            reason: "the target sets no disk minimum",
        };
    };
    let facts = context.facts;
    if context.assessment.platform.kind == Platform::VirtualMachine {
        return Outcome::DoesNotApply {
            reason: "a virtual machine's disks are virtual",
        };
    }
    // Without the device list, an empty one would read as "no disk".
    if !sources::read(facts, SourceName::Block) {
        return Outcome::Clear;
    }
    let minimum = minimum_gb.saturating_mul(GIB);
    let candidates: Vec<&BlockDevice> = facts
        .storage
        .iter()
        .filter(|d| d.is_install_candidate())
        .collect();
    let largest = candidates.iter().filter_map(|d| d.size_bytes).max();
    if largest.is_some_and(|size| size >= minimum) {
        return Outcome::Clear;
    }
    let target = &context.target.name;
    let detail = match largest {
        Some(size) => format!(
            "The largest fixed disk has {}; {target} needs {minimum_gb} GiB, as its installer counts.",
            gb(size)
        ),
        None => format!("No fixed disk was found; {target} needs one of {minimum_gb} GiB."),
    };
    let mut evidence: Vec<String> = facts.storage.iter().take(LISTED).map(describe).collect();
    if facts.storage.len() > LISTED {
        evidence.push(format!(
            "block: {} more devices",
            facts.storage.len() - LISTED
        ));
    }
    if facts.storage.is_empty() {
        evidence.push("block: /sys/block lists no disks".into());
    }
    let mut remedy = vec![format!(
        "Fit a SATA, SAS or NVMe disk of at least {minimum_gb} GiB ({:.1} GB) for {target}.",
        minimum as f64 / 1e9
    )];
    let removable_big: Vec<&str> = facts
        .storage
        .iter()
        .filter(|d| d.removable == Some(true) && d.size_bytes.is_some_and(|s| s >= minimum))
        .map(|d| d.name.as_str())
        .collect();
    if !removable_big.is_empty() {
        remedy.push(format!(
            "{} is large enough but removable: installers want a fixed disk, and the stick the \
             probe booted from is never one.",
            removable_big.join(", ")
        ));
    }
    remedy.push(
        "If the disks sit behind a RAID controller, create a virtual disk (array) in the \
         controller's setup utility: until then the OS sees no disk."
            .into(),
    );
    Outcome::found(Hit {
        detail,
        evidence,
        remedy,
    })
}

fn describe(d: &BlockDevice) -> String {
    let size = d
        .size_bytes
        .map(gb)
        .unwrap_or_else(|| "size unknown".into());
    let mut traits = Vec::new();
    if d.removable == Some(true) {
        traits.push("removable, not counted");
    } else if d.virtual_device {
        traits.push("virtual (md/device-mapper), not counted");
    }
    if d.usb {
        traits.push("USB");
    }
    match d.rotational {
        Some(true) => traits.push("rotational"),
        Some(false) => traits.push("solid-state"),
        None => {}
    }
    let model = [d.vendor.as_deref(), d.model.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let model = if model.is_empty() {
        String::new()
    } else {
        format!(" \"{model}\"")
    };
    format!("block: {} {size}{model} ({})", d.name, traits.join(", ")).replace(" ()", "")
}

fn gb(bytes: u64) -> String {
    format!(
        "{} GiB as installers count ({:.1} GB)",
        bytes / GIB,
        bytes as f64 / 1e9
    )
}
