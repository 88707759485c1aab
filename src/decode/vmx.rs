//! VMX capability MSRs (Intel SDM vol. 3D appendix A) → VmxCaps.
//!
//! Each control MSR holds the allowed-0 settings in its low half and the
//! allowed-1 settings in its high half: a control the CPU can enable has its
//! bit set in the high half. Bit numbers agree with Linux
//! `arch/x86/include/asm/vmx.h` and Xen `asm/hvm/vmx/vmcs.h`.

use crate::evidence::MsrDump;
use crate::facts::{EptCaps, VmxCaps};

const IA32_VMX_BASIC: u32 = 0x480;
const IA32_VMX_PROCBASED_CTLS: u32 = 0x482;
const IA32_VMX_PROCBASED_CTLS2: u32 = 0x48B;
const IA32_VMX_EPT_VPID_CAP: u32 = 0x48C;

/// 0x482 bit 63: the "activate secondary controls" control (bit 31) may be 1.
const ACTIVATE_SECONDARY_CONTROLS: u64 = 1 << 63;

// Secondary processor-based controls, in the allowed-1 half of 0x48B.
const SECONDARY_ENABLE_EPT: u32 = 0x0000_0002;
const SECONDARY_VIRTUALIZE_X2APIC: u32 = 0x0000_0010;
const SECONDARY_ENABLE_VPID: u32 = 0x0000_0020;
const SECONDARY_UNRESTRICTED_GUEST: u32 = 0x0000_0080;
const SECONDARY_APIC_REGISTER_VIRT: u32 = 0x0000_0100;

// IA32_VMX_EPT_VPID_CAP.
const EPT_PAGE_WALK_4: u64 = 1 << 6;
const EPT_MEMORY_TYPE_WB: u64 = 1 << 14;
const EPT_2MB_PAGES: u64 = 1 << 16;
const EPT_1GB_PAGES: u64 = 1 << 17;
const EPT_INVEPT: u64 = 1 << 20;
const EPT_INVEPT_ALL_CONTEXT: u64 = 1 << 26;

pub fn decode(msrs: &[MsrDump]) -> Option<VmxCaps> {
    let dump = msrs.iter().find(|d| d.value(IA32_VMX_BASIC).is_some())?;
    let secondary_controls = dump
        .value(IA32_VMX_PROCBASED_CTLS)
        .is_some_and(|v| v & ACTIVATE_SECONDARY_CONTROLS != 0);

    // Without secondary controls none of these can be enabled, whatever
    // 0x48B would say (the MSR does not even exist then).
    let allowed1: Option<u32> = if secondary_controls {
        dump.value(IA32_VMX_PROCBASED_CTLS2)
            .map(|v| (v >> 32) as u32)
    } else {
        Some(0)
    };
    let control = |bit: u32| allowed1.map(|a| a & bit != 0);

    let ept = control(SECONDARY_ENABLE_EPT);
    let ept_caps = match ept {
        Some(true) => dump.value(IA32_VMX_EPT_VPID_CAP).map(|cap| EptCaps {
            page_walk_4: cap & EPT_PAGE_WALK_4 != 0,
            memory_type_wb: cap & EPT_MEMORY_TYPE_WB != 0,
            pages_2m: cap & EPT_2MB_PAGES != 0,
            pages_1g: cap & EPT_1GB_PAGES != 0,
            invept: cap & EPT_INVEPT != 0,
            invept_all_context: cap & EPT_INVEPT_ALL_CONTEXT != 0,
        }),
        _ => None,
    };

    Some(VmxCaps {
        cpu: dump.cpu,
        secondary_controls,
        ept,
        vpid: control(SECONDARY_ENABLE_VPID),
        unrestricted_guest: control(SECONDARY_UNRESTRICTED_GUEST),
        virtualize_x2apic: control(SECONDARY_VIRTUALIZE_X2APIC),
        apic_register_virtualization: control(SECONDARY_APIC_REGISTER_VIRT),
        ept_caps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::MsrReading;

    fn msrs(name: &str) -> Vec<MsrDump> {
        let path = format!(
            "{}/tests/corpus/cpuid/instlatx64/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).expect("fixture readable");
        match crate::import::aida64::parse(&String::from_utf8_lossy(&bytes)) {
            Ok(dump) => dump.msr,
            Err(e) => panic!("{name}: {e:?}"),
        }
    }

    fn caps(name: &str) -> VmxCaps {
        decode(&msrs(name)).unwrap_or_else(|| panic!("{name} has VMX MSRs"))
    }

    #[test]
    fn westmere_and_sandy_bridge_ep_have_ept_and_unrestricted_guest() {
        for name in [
            "GenuineIntel00206C2_Gulftown_01_CPUID.txt",
            "GenuineIntel00206D5_SandyBridgeEP_CPUID.txt",
        ] {
            let vmx = caps(name);
            assert!(vmx.secondary_controls, "{name}");
            assert_eq!(vmx.ept, Some(true), "{name}");
            assert_eq!(vmx.unrestricted_guest, Some(true), "{name}");
            assert_eq!(vmx.vpid, Some(true), "{name}");
            assert_eq!(vmx.virtualize_x2apic, Some(true), "{name}");
            // APIC-register virtualization arrived with Ivy Bridge-EP.
            assert_eq!(vmx.apic_register_virtualization, Some(false), "{name}");
            let ept = vmx.ept_caps.expect("0x48C read");
            assert!(ept.page_walk_4 && ept.memory_type_wb && ept.pages_2m);
            assert!(ept.invept && ept.invept_all_context);
            assert!(ept.usable_by_xen(), "{name}");
        }
    }

    #[test]
    fn haswell_ep_virtualizes_apic_registers() {
        let vmx = caps("GenuineIntel00306F2_HaswellEP_CPUID.txt");
        assert_eq!(vmx.apic_register_virtualization, Some(true));
        assert_eq!(vmx.ept_caps.map(|e| e.pages_1g), Some(true));
    }

    #[test]
    fn penryn_has_secondary_controls_but_no_ept() {
        // No dump here shows a Nehalem's 0x48B; Penryn is the generation
        // before it with secondary controls and without EPT.
        for name in [
            "GenuineIntel0010676_Yorkfield_CPUID.txt",
            "GenuineIntel00106D1_Dunnington_CPUID.txt",
        ] {
            let vmx = caps(name);
            assert!(vmx.secondary_controls, "{name}");
            assert_eq!(vmx.ept, Some(false), "{name}");
            assert_eq!(vmx.unrestricted_guest, Some(false), "{name}");
            assert_eq!(vmx.vpid, Some(false), "{name}");
            assert_eq!(vmx.ept_caps, None, "{name}");
        }
    }

    #[test]
    fn conroe_without_secondary_controls_has_none_of_them() {
        let vmx = caps("GenuineIntel00006F6_Conroe_CPUID.txt");
        assert!(!vmx.secondary_controls);
        assert_eq!(vmx.ept, Some(false));
        assert_eq!(vmx.unrestricted_guest, Some(false));
        assert_eq!(vmx.vpid, Some(false));
        assert_eq!(vmx.ept_caps, None);
    }

    #[test]
    fn unread_procbased_ctls2_leaves_the_controls_unknown() {
        let mut dumps = msrs("GenuineIntel00206D5_SandyBridgeEP_CPUID.txt");
        dumps[0].values.insert(0x48B, MsrReading::Absent);
        let vmx = decode(&dumps).expect("0x480 still read");
        assert!(vmx.secondary_controls);
        assert_eq!(vmx.ept, None);
        assert_eq!(vmx.unrestricted_guest, None);
        assert_eq!(vmx.ept_caps, None);
    }

    #[test]
    fn per_cpu_msr_dumps_decode_the_first_cpu_with_vmx_msrs() {
        let vmx = caps("GenuineIntel00206D7_SandyBridgeE_00_CPUID.txt");
        assert_eq!(vmx.cpu, 0);
        assert_eq!(vmx.ept, Some(true));
    }

    #[test]
    fn no_vmx_msrs_no_caps() {
        assert_eq!(decode(&[]), None);
        // An AMD dump with MSRs, none of them VMX.
        assert_eq!(
            decode(&msrs("AuthenticAMD0100F2A_K10_Barcelona_CPUID.txt")),
            None
        );
    }
}
