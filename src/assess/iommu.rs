use super::{Inference, Observations};
use crate::facts::{AcpiFacts, Facts};
use crate::model::{Capability, FirmwareState, LogMeaning, LogOrigin, OsState, Silicon};

/// The IOMMU is announced by the ACPI DMAR (Intel VT-d) or IVRS (AMD-Vi)
/// table, which firmware publishes only when VT-d/AMD-Vi is enabled in
/// setup: the table proves silicon and firmware at once. Whether the OS or
/// Xen uses it comes from `xl info` and the logs, in that order of trust.
pub fn assess(facts: &Facts, inference: &Inference) -> Capability {
    let mut j = Observations::default();
    match &facts.acpi {
        Some(acpi) => from_acpi(acpi, &mut j),
        None => j.note(
            "ACPI tables were not read (run as root, or import them with --acpi), so firmware's \
             DMAR/IVRS could not be looked for",
        ),
    }
    from_xen(facts, &mut j);
    from_logs(facts, &mut j);
    infer(inference, &mut j);
    j.finish()
}

/// The IOMMU lives in the chipset: the generation only says what its
/// platforms typically had. A note, never a pass.
fn infer(inference: &Inference, j: &mut Observations) {
    let Some(identified) = inference.identified() else {
        return;
    };
    let Some(typical) = identified.iommu() else {
        return;
    };
    let notes: Vec<&str> = identified
        .generations
        .iter()
        .map(|g| g.iommu_note.as_str())
        .collect();
    j.note(format!(
        "platform IOMMU of {}: {} (inferred from the generation, not evidence of this machine: {})",
        identified.label(),
        typical.as_str(),
        notes.join("; ")
    ));
}

fn from_acpi(acpi: &AcpiFacts, j: &mut Observations) {
    let mut found = false;
    if acpi.lists_dmar() {
        found = true;
        let text = match &acpi.dmar {
            Some(dmar) => {
                let renamed = if dmar.signature == "DMAR" {
                    String::new()
                } else {
                    format!(" (listed as {}: Xen hides it from dom0)", dmar.signature)
                };
                format!(
                    "acpi: DMAR table{renamed}: {} remapping unit(s), host address width {}, \
                     flags {:#04x} (interrupt remapping {})",
                    dmar.drhd.len(),
                    dmar.host_address_width,
                    dmar.flags,
                    if dmar.intr_remap {
                        "supported"
                    } else {
                        "not supported"
                    }
                )
            }
            None => "acpi: the machine lists a DMAR table (not read)".into(),
        };
        j.observe_silicon(Silicon::Yes, text);
    }
    if acpi.lists_ivrs() {
        found = true;
        let text = match &acpi.ivrs {
            Some(ivrs) => {
                let bases: Vec<String> = ivrs
                    .ivhd
                    .iter()
                    .map(|h| format!("{:#x}", h.iommu_base))
                    .collect();
                format!(
                    "acpi: IVRS table: {} IVHD block(s), IOMMU registers at {}",
                    ivrs.ivhd.len(),
                    if bases.is_empty() {
                        "-".into()
                    } else {
                        bases.join(", ")
                    }
                )
            }
            None => "acpi: the machine lists an IVRS table (not read)".into(),
        };
        j.observe_silicon(Silicon::Yes, text);
    }
    if found {
        j.observe_firmware(
            FirmwareState::Enabled,
            "firmware publishes the DMAR/IVRS table only with VT-d/AMD-Vi enabled",
        );
    } else if acpi.complete {
        j.observe_silicon(
            Silicon::No,
            format!(
                "acpi: none of the machine's {} tables ({}) is a DMAR or IVRS: the chipset lacks \
                 an IOMMU or firmware disables VT-d/AMD-Vi",
                acpi.signatures.len(),
                acpi.signatures.join(" ")
            ),
        );
    } else {
        j.note(format!(
            "acpi: only some tables were given ({}), not the machine's whole set: a missing \
             DMAR/IVRS proves nothing",
            acpi.signatures.join(" ")
        ));
    }
}

fn from_xen(facts: &Facts, j: &mut Observations) {
    let Some(xen) = facts.xen.as_ref().filter(|x| !x.virt_caps.is_empty()) else {
        return;
    };
    let caps = xen.virt_caps.join(" ");
    if xen.has_cap("hvm_directio") {
        j.observe_os(
            OsState::Active,
            format!("xl info virt_caps: {caps} (hvm_directio: Xen passes devices through with the IOMMU)"),
        );
    } else {
        j.observe_os(
            OsState::Inactive,
            format!("xl info virt_caps: {caps} (no hvm_directio: Xen runs without an IOMMU)"),
        );
    }
}

/// Xen's console first (it owns the IOMMU when it runs), then Linux's.
fn from_logs(facts: &Facts, j: &mut Observations) {
    let Some(log) = &facts.kernel_log else {
        return;
    };
    for origin in [LogOrigin::Xen, LogOrigin::Linux] {
        for (meaning, state) in [
            (LogMeaning::IommuInUse, OsState::Active),
            (LogMeaning::IommuNotInUse, OsState::Inactive),
        ] {
            let mut events = log.events_meaning(meaning);
            if let Some(event) = events.find(|e| e.origin == origin) {
                j.observe_os(state, event.as_evidence());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{acpi_with_dmar, event, log};
    use crate::facts::XenFacts;
    use crate::model::CapState;
    use crate::model::LogOrigin;

    /// The capability as the whole assessment judges it.
    fn assess(facts: &Facts) -> Capability {
        crate::assess::assess(facts, crate::knowledge::Knowledge::builtin())
            .capabilities
            .iommu
    }

    #[test]
    fn xen_virt_caps_outweigh_the_linux_log() {
        let facts = Facts {
            acpi: Some(acpi_with_dmar(1)),
            xen: Some(XenFacts {
                virt_caps: ["pv", "hvm", "hvm_directio", "hap"]
                    .map(String::from)
                    .to_vec(),
                ..XenFacts::default()
            }),
            kernel_log: log(vec![event(
                "xen-iommu-disabled",
                LogOrigin::Xen,
                9,
                "(XEN) I/O virtualisation disabled",
            )]),
            ..Facts::default()
        };
        let iommu = assess(&facts);
        assert_eq!(iommu.state, CapState::Available);
        assert_eq!(iommu.os, OsState::Active);
        assert!(iommu
            .evidence
            .iter()
            .any(|e| e.ends_with("(outweighed by the evidence above)")));
    }

    #[test]
    fn logs_decide_the_os_column_without_xl_info() {
        let mut facts = Facts {
            acpi: Some(acpi_with_dmar(1)),
            kernel_log: log(vec![event(
                "iommu-active",
                LogOrigin::Linux,
                120,
                "DMAR: Intel(R) Virtualization Technology for Directed I/O",
            )]),
            ..Facts::default()
        };
        assert_eq!(assess(&facts).os, OsState::Active);
        facts.kernel_log = log(vec![event(
            "xen-iommu-disabled",
            LogOrigin::Xen,
            9,
            "(XEN) I/O virtualisation disabled",
        )]);
        let iommu = assess(&facts);
        assert_eq!(iommu.os, OsState::Inactive);
        assert_eq!(
            iommu.evidence.last().map(String::as_str),
            Some("xl dmesg line 9: (XEN) I/O virtualisation disabled")
        );
    }

    #[test]
    fn without_acpi_it_stays_unknown() {
        let iommu = assess(&Facts::default());
        assert_eq!(iommu.state, CapState::Unknown);
        assert!(iommu.evidence[0].contains("ACPI tables were not read"));
    }
}
