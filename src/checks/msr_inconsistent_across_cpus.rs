use super::{Check, Context, Doc, Hit};
use crate::facts::{msr_name, MsrDifference, MsrValueGroup, IA32_MISC_ENABLE};
use crate::model::{CheckId, Severity, SourceName};

pub static CHECK: Check = Check {
    id: CheckId::MsrInconsistentAcrossCpus,
    severity: Severity::Warning,
    title: "Firmware set control MSRs differently on different CPUs",
    subject: "Control MSRs alike on every CPU",
    doc: Doc {
        what: "Compares IA32_FEATURE_CONTROL (0x3A), IA32_MISC_ENABLE (0x1A0) and AMD VM_CR \
               (0xC0010114) across all online CPUs, and names each MSR that differs with the \
               CPUs and values. MISC_ENABLE bits the OS itself changes (16, EIST; 38, turbo \
               disable) are ignored.",
        why: "Firmware must program these registers on every CPU; some firmware does it on the \
              boot CPU only. Xen then finds VT-x locked off, or NX hidden, on some CPUs and not \
              on others: HVM fails on those CPUs (`CPUn: VMX disabled by BIOS.`) or CPUs come \
              up with different features.",
        evidence: "MSRs 0x3A, 0x1A0 and 0xC0010114 read on every online CPU through \
                   /dev/cpu/N/msr (root and the msr module needed).",
        fix: "Update the system firmware; then power the machine off completely and on again \
              (these MSRs stay locked until a reset). Loading firmware defaults and setting the \
              virtualization options again can help.",
    },
    settings: &[],
    reads: &[&[SourceName::Msr]],
    run: |context| hits(context).into(),
};

/// MISC_ENABLE bits Linux writes at run time (speedstep-centrino sets
/// EIST, intel_pstate's no_turbo sets turbo disable): differences there
/// are the OS, not firmware.
const OS_WRITTEN_MISC_ENABLE: u64 = (1 << 16) | (1 << 38);

fn hits(context: &Context) -> Vec<Hit> {
    let Some(msr) = &context.facts.msr_controls else {
        return Vec::new();
    };
    msr.differences
        .iter()
        .filter_map(|difference| {
            let groups = firmware_groups(difference);
            (groups.len() > 1).then(|| hit(difference.msr, &groups))
        })
        .collect()
}

/// The groups after masking what the OS changes, merged by value.
fn firmware_groups(difference: &MsrDifference) -> Vec<MsrValueGroup> {
    let mask = if difference.msr == IA32_MISC_ENABLE {
        !OS_WRITTEN_MISC_ENABLE
    } else {
        u64::MAX
    };
    let mut merged: Vec<MsrValueGroup> = Vec::new();
    for group in &difference.values {
        let value = group.value & mask;
        match merged.iter_mut().find(|g| g.value & mask == value) {
            Some(existing) => existing.cpus.extend(&group.cpus),
            None => merged.push(group.clone()),
        }
    }
    for group in &mut merged {
        group.cpus.sort_unstable();
    }
    merged
}

fn hit(msr: u32, groups: &[MsrValueGroup]) -> Hit {
    let name = msr_name(msr);
    let evidence = groups
        .iter()
        .map(|g| {
            format!(
                "msr {msr:#X} ({name}) = {:#x} on {}",
                g.value,
                cpus(&g.cpus)
            )
        })
        .collect();
    let consequence = match msr {
        0x3A => "VT-x may be locked off, or left unlocked, on some CPUs only: Xen cannot start HVM guests on the CPUs where it is off",
        0x1A0 => "NX or other CPU features may be hidden on some CPUs only, so the CPUs disagree about what they can do",
        _ => "AMD-V may be disabled on some CPUs only: Xen cannot start HVM guests on those CPUs",
    };
    Hit {
        detail: format!(
            "{name} (MSR {msr:#X}) reads differently across CPUs: {consequence}. Firmware \
             programmed it on some CPUs only."
        ),
        evidence,
        remedy: vec![
            "Update the system firmware (BIOS/UEFI) to the vendor's latest release.".into(),
            "Power the machine off completely and on again: these MSRs stay locked until a \
             reset, so a reboot keeps the inconsistent values."
                .into(),
            "If it persists, load the firmware defaults and set the processor virtualization \
             and Execute Disable options again."
                .into(),
        ],
    }
}

/// "CPU 1" or "CPUs 0, 2-5".
fn cpus(list: &[u32]) -> String {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for &cpu in list {
        match ranges.last_mut() {
            Some((_, end)) if end.checked_add(1) == Some(cpu) => *end = cpu,
            _ => ranges.push((cpu, cpu)),
        }
    }
    let text: Vec<String> = ranges
        .iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    let plural = if list.len() == 1 { "" } else { "s" };
    format!("CPU{plural} {}", text.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{bare_metal, run as run_check};
    use crate::facts::{CpuVendor, Facts, FeatureControl, MsrControls, AMD_VM_CR};

    fn with_differences(differences: Vec<MsrDifference>) -> Facts {
        Facts {
            msr_controls: Some(MsrControls {
                feature_control: Some(FeatureControl::from_raw(5)),
                differences,
                ..MsrControls::default()
            }),
            ..bare_metal(CpuVendor::Intel)
        }
    }

    fn group(value: u64, cpus: &[u32]) -> MsrValueGroup {
        MsrValueGroup {
            value,
            cpus: cpus.to_vec(),
        }
    }

    #[test]
    fn feature_control_set_on_the_boot_cpu_only() {
        let facts = with_differences(vec![MsrDifference {
            msr: 0x3A,
            values: vec![group(5, &[0, 2, 3, 4, 5]), group(0, &[1])],
        }]);
        let hits = run_check(&CHECK, &facts);
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].evidence,
            vec![
                "msr 0x3A (IA32_FEATURE_CONTROL) = 0x5 on CPUs 0, 2-5",
                "msr 0x3A (IA32_FEATURE_CONTROL) = 0x0 on CPU 1",
            ]
        );
        assert!(hits[0]
            .detail
            .starts_with("IA32_FEATURE_CONTROL (MSR 0x3A)"));
        assert!(hits[0]
            .remedy
            .iter()
            .any(|r| r.contains("Power the machine off")));
    }

    #[test]
    fn one_hit_per_msr_and_os_written_bits_ignored() {
        let facts = with_differences(vec![
            MsrDifference {
                msr: AMD_VM_CR,
                values: vec![group(0x8, &[0]), group(0x18, &[1])],
            },
            // Turbo disable on one package only: the OS did that.
            MsrDifference {
                msr: IA32_MISC_ENABLE,
                values: vec![group(0x40_0085_0089, &[0, 1]), group(0x85_0089, &[2, 3])],
            },
        ]);
        let hits = run_check(&CHECK, &facts);
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0].detail.starts_with("VM_CR (MSR 0xC0010114)"),
            "{}",
            hits[0].detail
        );

        let xd = with_differences(vec![MsrDifference {
            msr: IA32_MISC_ENABLE,
            values: vec![group(0x4_0085_0089, &[0]), group(0x85_0089, &[1])],
        }]);
        let hits = run_check(&CHECK, &xd);
        assert_eq!(hits.len(), 1);
        assert!(hits[0].evidence[0].contains("0x400850089 on CPU 0"));
    }

    #[test]
    fn silent_without_differences() {
        assert_eq!(run_check(&CHECK, &with_differences(vec![])), vec![]);
        assert_eq!(run_check(&CHECK, &bare_metal(CpuVendor::Intel)), vec![]);
    }
}
