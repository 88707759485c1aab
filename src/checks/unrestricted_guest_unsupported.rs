use super::{Check, Context, Doc, Hit, Outcome};
use crate::facts::CpuVendor;
use crate::model::{CheckId, Severity, Silicon, SourceName};

pub static CHECK: Check = Check {
    id: CheckId::UnrestrictedGuestUnsupported,
    severity: Severity::Info,
    title: "VT-x without unrestricted guest: HVM real-mode code is emulated",
    subject: "VT-x unrestricted guest",
    doc: Doc {
        what: "Reads the VT-x capability MSRs: unrestricted guest is allowed-1 bit 7 of \
               IA32_VMX_PROCBASED_CTLS2 (MSR 0x48B, high half), which exists only when \
               IA32_VMX_PROCBASED_CTLS (0x482) bit 63 announces secondary controls. Fires on a \
               VT-x CPU without it.",
        why: "Without unrestricted guest, VT-x cannot run a guest in real mode or unpaged \
              protected mode, so Xen emulates that code: HVM guests still work, but boot \
              loaders, option ROMs and installers run slower. Intel added it with Westmere \
              (Xeon 5600); Nehalem and older parts lack it.",
        evidence: "MSRs 0x482 and 0x48B of one CPU (a root scan with the msr module, or the MSR \
                   lines of an AIDA64 dump).",
        fix: "Nothing to set: it is a property of the CPU generation. Accept slower guest boots, \
              or use a Westmere or later CPU.",
    },
    settings: &[],
    reads: &[&[SourceName::Msr]],
    run,
};

fn run(context: &Context) -> Outcome {
    let facts = context.facts;
    let intel = facts
        .cpu
        .as_ref()
        .is_none_or(|c| matches!(c.vendor, CpuVendor::Intel | CpuVendor::Centaur));
    if !intel {
        return Outcome::DoesNotApply {
            reason: "not a VT-x CPU",
        };
    }
    let Some(vmx) = &facts.vmx else {
        return Outcome::Clear;
    };
    if context.assessment.capabilities.hvm.silicon != Silicon::Yes {
        return Outcome::Clear;
    }
    let reading = match vmx.unrestricted_guest {
        Some(true) => return Outcome::Clear,
        Some(false) => format!(
            "msr 0x48B (IA32_VMX_PROCBASED_CTLS2) allowed-1 bit 7 (unrestricted guest) = 0 on CPU {}",
            vmx.cpu
        ),
        None if !vmx.secondary_controls => format!(
            "msr 0x482 (IA32_VMX_PROCBASED_CTLS) bit 63 = 0 on CPU {}: no secondary controls, so \
             no unrestricted guest",
            vmx.cpu
        ),
        None => return Outcome::Clear,
    };
    let mut evidence = vec![reading];
    if let Some(cpu) = &facts.cpu {
        evidence.push(format!(
            "cpuid: {} (family {:#x}, model {:#x})",
            cpu.brand.as_deref().unwrap_or(&cpu.vendor_id),
            cpu.family,
            cpu.model
        ));
    }
    Outcome::found(Hit {
        detail: "This VT-x CPU lacks unrestricted guest (it predates Westmere). Xen emulates HVM \
                 guests' real-mode code: guests work, their boot and firmware phases are slower."
            .into(),
        evidence,
        remedy: vec![
            "No setting adds it. Expect slower HVM guest boots; PV guests are unaffected.".into(),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{bare_metal, run as run_check};
    use crate::facts::{Facts, VmxCaps};

    fn with_vmx(vmx: VmxCaps, vendor: CpuVendor) -> Facts {
        Facts {
            vmx: Some(vmx),
            ..bare_metal(vendor)
        }
    }

    #[test]
    fn nehalem_without_unrestricted_guest_is_noted() {
        let nehalem = VmxCaps {
            secondary_controls: true,
            ept: Some(true),
            vpid: Some(true),
            unrestricted_guest: Some(false),
            ..VmxCaps::default()
        };
        let hits = run_check(&CHECK, &with_vmx(nehalem, CpuVendor::Intel));
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].evidence[0],
            "msr 0x48B (IA32_VMX_PROCBASED_CTLS2) allowed-1 bit 7 (unrestricted guest) = 0 on CPU 0"
        );
        assert!(
            hits[0].evidence[1].contains("E5540"),
            "{:?}",
            hits[0].evidence
        );
    }

    #[test]
    fn core2_without_secondary_controls_is_noted() {
        let core2 = VmxCaps::default();
        let hits = run_check(&CHECK, &with_vmx(core2, CpuVendor::Intel));
        assert_eq!(hits.len(), 1);
        assert!(hits[0].evidence[0].contains("bit 63 = 0"));
    }

    #[test]
    fn silent_with_unrestricted_guest_without_vmx_or_on_amd() {
        let westmere = VmxCaps {
            secondary_controls: true,
            unrestricted_guest: Some(true),
            ..VmxCaps::default()
        };
        assert_eq!(
            run_check(&CHECK, &with_vmx(westmere, CpuVendor::Intel)),
            vec![]
        );
        assert_eq!(run_check(&CHECK, &bare_metal(CpuVendor::Intel)), vec![]);
        assert_eq!(
            run_check(&CHECK, &with_vmx(VmxCaps::default(), CpuVendor::Amd)),
            vec![]
        );
        // A CPU without VT-x in CPUID has no VMX capability MSRs to read.
        let mut no_vtx = with_vmx(VmxCaps::default(), CpuVendor::Intel);
        if let Some(cpu) = &mut no_vtx.cpu {
            cpu.features.vmx = false;
        }
        no_vtx.vmx = None;
        assert_eq!(run_check(&CHECK, &no_vtx), vec![]);
    }
}
