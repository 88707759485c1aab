use super::{Check, Context, Doc, Hit};
use crate::model::{CheckId, Severity, SourceName};

/// MemTotal is what the kernel manages: installed memory minus firmware
/// reservations and the kernel image, typically a few percent less.
const MEMTOTAL_SLACK: f64 = 0.9;

pub static CHECK: Check = Check {
    id: CheckId::MemoryBelowMinimum,
    severity: Severity::Action,
    title: "Less memory than the Xen target needs",
    subject: "Memory for the target",
    doc: Doc {
        what: "Compares installed memory (SMBIOS type 17) or, without SMBIOS, the kernel's \
               MemTotal, with the minimum of the chosen Xen target.",
        why: "dom0 needs its own memory before any guest starts; installers of XenServer and \
              XCP-ng warn or stop below their minimum.",
        evidence: "SMBIOS memory devices, /proc/meminfo MemTotal, the target's minimum from \
                   probes/targets.toml.",
        fix: "Install more memory (check the populated slots in this report's evidence for free \
              ones).",
    },
    settings: &[],
    reads: &[&[SourceName::Smbios, SourceName::Procfs]],
    run: |context| hits(context).into(),
};

fn hits(context: &Context) -> Vec<Hit> {
    let minimum_mib = context.target.min_ram_mib;
    let facts = context.facts;
    let installed = facts
        .firmware
        .as_ref()
        .and_then(|f| f.installed_memory_bytes())
        .map(|b| b / (1024 * 1024));
    let (have_mib, evidence, below) = match (installed, facts.os.mem_total_kib) {
        (Some(mib), _) => (
            mib,
            format!("smbios: {mib} MiB installed"),
            mib < minimum_mib,
        ),
        (None, Some(kib)) => {
            let mib = kib / 1024;
            (
                mib,
                format!("/proc/meminfo: MemTotal {kib} kB"),
                (mib as f64) < minimum_mib as f64 * MEMTOTAL_SLACK,
            )
        }
        (None, None) => return Vec::new(),
    };
    if !below {
        return Vec::new();
    }
    let mut remedy = vec![format!(
        "Install at least {minimum_mib} MiB for {}.",
        context.target.name
    )];
    if let Some(fw) = &facts.firmware {
        let empty = fw
            .memory_devices
            .iter()
            .filter(|d| d.size_bytes.is_none())
            .count();
        if empty > 0 {
            remedy.push(format!("SMBIOS lists {empty} empty memory slot(s)."));
        }
    }
    vec![Hit {
        detail: format!(
            "The machine has {have_mib} MiB; {} needs {minimum_mib} MiB ({}).",
            context.target.name, context.target.ram_source
        ),
        evidence: vec![evidence],
        remedy,
    }]
}
