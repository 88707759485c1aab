use super::remedy::firmware as firmware_remedy;
use super::{Check, Context, Doc, Hit};
use crate::knowledge::Setting;
use crate::model::{CapState, CheckId, Severity, SourceName};

pub static CHECK: Check = Check {
    id: CheckId::NxDisabledInFirmware,
    severity: Severity::Action,
    title: "NX (Execute Disable) is in the CPU but hidden by firmware",
    subject: "NX not hidden by firmware",
    doc: Doc {
        what: "Fires when CPUID reports no NX (0x80000001 EDX bit 20) while IA32_MISC_ENABLE \
               (MSR 0x1A0) has XD Bit Disable (bit 34) set: the CPU has NX and firmware hides it.",
        why: "Xen built with CONFIG_REQUIRE_NX refuses to boot without NX (`ERR: Not an \
              NX-capable CPU!`), and without it neither Xen nor any guest gets no-execute page \
              protection. One firmware setting gives it back. On Intel, Linux and Xen 4.7 and \
              later clear XD Bit Disable themselves at boot (Xen prints `re-enabled NX \
              (Execute Disable) protection`), so the setting decides only for older Xen such \
              as XenServer 6.5's 4.4.",
        evidence: "CPUID leaf 0x80000001 and MSR 0x1A0 of CPU 0 (a root scan with the msr module, \
                   or the MSR lines of an AIDA64 dump).",
        fix: "Enable the processor's no-execute setting in firmware setup and restart. The \
              finding names the setting as this machine's vendor prints it; the table below lists \
              every vendor.",
    },
    settings: &[Setting::Nx],
    reads: &[&[SourceName::Cpuid, SourceName::Msr]],
    run: |context| hits(context).into(),
};

fn hits(context: &Context) -> Vec<Hit> {
    let capability = &context.assessment.capabilities.nx;
    if capability.state != CapState::DisabledInFirmware {
        return Vec::new();
    }
    let target = context.target;
    let consequence = if target.xen.reenables_nx() {
        format!(
            "{}, Xen {}, clears XD Bit Disable itself at boot (as Linux does), so Xen and its \
             guests still get NX; enabling it in firmware makes that independent of the \
             hypervisor.",
            target.name, target.xen.xen_version.value
        )
    } else {
        format!(
            "{}, Xen {}, does not re-enable it: Xen and its guests run without no-execute \
             protection until firmware is changed.",
            target.name, target.xen.xen_version.value
        )
    };
    vec![Hit {
        detail: format!(
            "The CPU implements NX, but firmware hides it from CPUID (XD Bit Disable is set). \
             {consequence}"
        ),
        evidence: capability.evidence.clone(),
        remedy: firmware_remedy(context, Setting::Nx),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{bare_metal, run as run_check};
    use crate::facts::{CpuVendor, MiscEnable, MsrControls};

    fn with_misc_enable(nx: bool, misc: u64) -> crate::facts::Facts {
        let mut facts = bare_metal(CpuVendor::Intel);
        if let Some(cpu) = &mut facts.cpu {
            cpu.features.nx = nx;
        }
        facts.msr_controls = Some(MsrControls {
            misc_enable: Some(MiscEnable::from_raw(misc)),
            ..MsrControls::default()
        });
        facts
    }

    #[test]
    fn xd_bit_disable_with_nx_hidden_fires() {
        let hits = run_check(&CHECK, &with_misc_enable(false, 0x4_0085_0089));
        assert_eq!(hits.len(), 1);
        let evidence = hits[0].evidence.join("\n");
        assert!(
            evidence.contains("msr 0x1A0 (IA32_MISC_ENABLE) = 0x400850089 on CPU 0"),
            "{evidence}"
        );
        assert!(evidence.contains("bit 34"));
        assert!(hits[0].remedy.iter().any(|r| r.contains("Execute Disable")));
        // The default target's Xen (4.17 and later) re-enables NX itself.
        assert!(
            hits[0]
                .detail
                .contains("clears XD Bit Disable itself at boot"),
            "{}",
            hits[0].detail
        );
        // nx-unavailable says the same in weaker words: it stays quiet.
        let other = run_check(
            &super::super::nx_unavailable::CHECK,
            &with_misc_enable(false, 0x4_0000_0000),
        );
        assert_eq!(other, vec![]);
    }

    #[test]
    fn silent_when_nx_is_visible_or_truly_missing() {
        assert_eq!(
            run_check(&CHECK, &with_misc_enable(true, 0x85_0089)),
            vec![]
        );
        // Bit 34 clear on Intel: the CPU lacks NX, nothing to enable.
        let lacking = with_misc_enable(false, 0x85_0089);
        assert_eq!(run_check(&CHECK, &lacking), vec![]);
        let nx = crate::assess::assess(&lacking, crate::knowledge::Knowledge::builtin())
            .capabilities
            .nx;
        assert_eq!(nx.state, CapState::Unsupported);
        // No MSR reading: unknown, not a finding.
        assert_eq!(run_check(&CHECK, &bare_metal(CpuVendor::Intel)), vec![]);
    }
}
