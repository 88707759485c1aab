use super::{Check, Context, Doc, Hit, Outcome};
use crate::facts::Facts;
use crate::model::{CheckId, LogMeaning, Severity, SourceName};

pub static CHECK: Check = Check {
    id: CheckId::IommuDisabled,
    severity: Severity::Action,
    title: "The IOMMU exists but Linux or Xen runs with it off",
    subject: "IOMMU in use by Linux and Xen",
    doc: Doc {
        what: "Fires when firmware publishes a DMAR/IVRS table (so VT-d/AMD-Vi is there and \
               enabled) but the OS does not use it: `intel_iommu=off`, `amd_iommu=off` or \
               `iommu=off` on the kernel command line, `iommu=0|no|off|false|disable` on Xen's, \
               Xen logging `I/O virtualisation disabled`, `xl info` without `hvm_directio`, or \
               Xen's chipset-erratum quirk turning VT-d off.",
        why: "Without the IOMMU in use Xen cannot pass PCI devices through to guests, although \
              the hardware and firmware allow it.",
        evidence: "The ACPI table list, /proc/cmdline, Xen's command line and virt_caps from \
                   `xl info`, and the kernel log / Xen console.",
        fix: "Remove the option that turns the IOMMU off (kernel: GRUB_CMDLINE_LINUX; Xen: \
              GRUB_CMDLINE_XEN_DEFAULT or the `append /boot/xen.gz` line of extlinux.conf) and \
              reboot. A chipset erratum cannot be fixed by a setting.",
    },
    settings: &[],
    reads: &[
        &[SourceName::Acpi, SourceName::KernelLog, SourceName::Xen],
        &[SourceName::Procfs, SourceName::Xen, SourceName::KernelLog],
    ],
    run,
};

const LINUX_OFF: [&str; 3] = ["intel_iommu", "amd_iommu", "iommu"];
/// Xen's `parse_bool` false words.
const XEN_FALSE: [&str; 5] = ["0", "no", "off", "false", "disable"];

fn run(context: &Context) -> Outcome {
    let facts = context.facts;
    let log = facts.kernel_log.as_ref();
    let erratum = log.and_then(|l| l.events_meaning(LogMeaning::IommuErratum).next());
    let tables = facts
        .acpi
        .as_ref()
        .is_some_and(|a| a.lists_dmar() || a.lists_ivrs());
    // Xen's quirk only runs on a VT-d/AMD-Vi platform: the line proves one.
    if !tables && erratum.is_none() {
        return Outcome::Clear;
    }
    let mut evidence = Vec::new();
    let mut remedy = Vec::new();
    let xen_off = command_lines(facts, &mut evidence, &mut remedy);
    if let Some(xen) = facts.xen.as_ref().filter(|x| !x.virt_caps.is_empty()) {
        if !xen.has_cap("hvm_directio") {
            evidence.push(format!(
                "xl info virt_caps: {} (no hvm_directio)",
                xen.virt_caps.join(" ")
            ));
        }
    }
    if let Some(event) = log.and_then(|l| l.events_meaning(LogMeaning::IommuNotInUse).next()) {
        evidence.push(event.as_evidence());
        if !xen_off && erratum.is_none() {
            remedy.push(
                "Read the Xen console (`xl dmesg`) lines before \"I/O virtualisation disabled\" \
                 for the reason, and check Xen's command line for iommu=0 or iommu=no-..."
                    .into(),
            );
        }
    }
    if let Some(event) = erratum {
        evidence.push(event.as_evidence());
        remedy.push(ERRATUM_REMEDY.into());
    }
    if evidence.is_empty() {
        return Outcome::Clear;
    }
    if let Some(acpi) = facts.acpi.as_ref().filter(|_| tables) {
        let table = if acpi.lists_ivrs() { "IVRS" } else { "DMAR" };
        evidence.insert(
            0,
            format!("acpi: firmware publishes the {table} table: the IOMMU is there and enabled"),
        );
    }
    Outcome::found(Hit {
        detail: "The machine has an IOMMU that firmware enables, but the running system keeps it \
                 off, so Xen cannot pass PCI devices through to guests."
            .into(),
        evidence,
        remedy,
    })
}

const ERRATUM_REMEDY: &str = "Xen turned the IOMMU off for a known chipset erratum (Intel \
    5500/5520/X58 I/O hub revisions; AMD SP5100 erratum 28). On SP5100 boards, taking the SATA \
    controller out of combined (IDE) mode in firmware setup avoids it; on the Intel I/O hubs it \
    is the chipset revision, and passthrough stays unavailable on this machine.";

/// The kernel's and Xen's command-line options that turn the IOMMU off,
/// as evidence and remedies; true when Xen's does.
fn command_lines(facts: &Facts, evidence: &mut Vec<String>, remedy: &mut Vec<String>) -> bool {
    let linux_off = linux_flags(facts.os.cmdline.as_deref());
    if !linux_off.is_empty() {
        evidence.push(format!("/proc/cmdline: {}", linux_off.join(" ")));
        remedy.push(format!(
            "Remove {} from the kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, \
             then regenerate grub.cfg) and reboot.",
            linux_off.join(" ")
        ));
    }
    let xen_off = facts
        .xen
        .as_ref()
        .and_then(|x| x.commandline.as_deref())
        .map(xen_flags)
        .unwrap_or_default();
    if !xen_off.is_empty() {
        evidence.push(format!("xen_commandline: {}", xen_off.join(" ")));
        remedy.push(format!(
            "Remove {} from Xen's command line (GRUB_CMDLINE_XEN_DEFAULT in /etc/default/grub, \
             or the `append /boot/xen.gz` line of extlinux.conf on XenServer) and reboot.",
            xen_off.join(" ")
        ));
    }
    !xen_off.is_empty()
}

/// `intel_iommu=off`, `amd_iommu=off`, `iommu=off` (values may be
/// comma lists: `intel_iommu=off,sm_on`).
fn linux_flags(cmdline: Option<&str>) -> Vec<String> {
    cmdline
        .unwrap_or("")
        .split_whitespace()
        .filter(|word| {
            word.split_once('=').is_some_and(|(key, value)| {
                LINUX_OFF.contains(&key) && value.split(',').any(|v| v == "off")
            })
        })
        .map(str::to_string)
        .collect()
}

/// `iommu=0`, `iommu=no`, `iommu=off,...`: Xen's iommu option whose list
/// holds a false boolean.
fn xen_flags(cmdline: &str) -> Vec<String> {
    cmdline
        .split_whitespace()
        .filter(|word| {
            word.strip_prefix("iommu=")
                .is_some_and(|value| value.split(',').any(|v| XEN_FALSE.contains(&v)))
        })
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{
        acpi_with_dmar, acpi_without_iommu, bare_metal, event, log, run as run_check,
    };
    use crate::facts::{CpuVendor, Facts, XenFacts};
    use crate::model::LogOrigin;

    fn with_dmar() -> Facts {
        Facts {
            acpi: Some(acpi_with_dmar(1)),
            ..bare_metal(CpuVendor::Intel)
        }
    }

    #[test]
    fn kernel_and_xen_command_lines() {
        let mut facts = with_dmar();
        facts.os.cmdline = Some("ro quiet intel_iommu=off,sm_on iommu=pt".into());
        facts.xen = Some(XenFacts {
            commandline: Some("dom0_mem=2048M iommu=no-intremap,0 console=vga".into()),
            virt_caps: vec!["pv".into(), "hvm".into(), "hap".into()],
            ..XenFacts::default()
        });
        let hits = run_check(&CHECK, &facts);
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].evidence,
            vec![
                "acpi: firmware publishes the DMAR table: the IOMMU is there and enabled",
                "/proc/cmdline: intel_iommu=off,sm_on",
                "xen_commandline: iommu=no-intremap,0",
                "xl info virt_caps: pv hvm hap (no hvm_directio)",
            ]
        );
        assert!(hits[0].remedy[0].contains("GRUB_CMDLINE_LINUX"));
        assert!(hits[0].remedy[1].contains("GRUB_CMDLINE_XEN_DEFAULT"));
    }

    #[test]
    fn xen_console_and_erratum() {
        let mut facts = with_dmar();
        facts.kernel_log =
            log(vec![
            event(
                "xen-iommu-erratum",
                LogOrigin::Xen,
                41,
                "(XEN) [VT-D]Disabling IOMMU due to Intel 5500/5520/X58 Chipset errata #47, #53",
            ),
            event("xen-iommu-disabled", LogOrigin::Xen, 57, "(XEN) I/O virtualisation disabled"),
        ]);
        let hits = run_check(&CHECK, &facts);
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].evidence[1..],
            [
                "xl dmesg line 57: (XEN) I/O virtualisation disabled",
                "xl dmesg line 41: (XEN) [VT-D]Disabling IOMMU due to Intel 5500/5520/X58 Chipset errata #47, #53",
            ]
        );
        assert_eq!(hits[0].remedy.len(), 1);
        assert!(hits[0].remedy[0].contains("erratum"));
    }

    #[test]
    fn silent_when_in_use_absent_or_only_harmless_options() {
        let mut facts = with_dmar();
        facts.os.cmdline = Some("intel_iommu=on iommu=pt".into());
        facts.xen = Some(XenFacts {
            commandline: Some("iommu=1,no-intremap".into()),
            virt_caps: vec!["hvm".into(), "hvm_directio".into()],
            ..XenFacts::default()
        });
        assert_eq!(run_check(&CHECK, &facts), vec![]);
        // No table: iommu-absent's business, whatever the command line says.
        let mut none = Facts {
            acpi: Some(acpi_without_iommu()),
            ..bare_metal(CpuVendor::Intel)
        };
        none.os.cmdline = Some("intel_iommu=off".into());
        assert_eq!(run_check(&CHECK, &none), vec![]);
    }
}
