//! MSR dumps → [`MsrControls`]: the switches firmware sets for VT-x, AMD-V
//! and NX, decoded for CPU 0 and compared across CPUs. Works the same on a
//! live scan (`/dev/cpu/N/msr`) and on the MSR lines of an AIDA64 dump,
//! which only cover CPU 0.

use crate::evidence::{MsrDump, MsrReading};
use crate::facts::{
    FeatureControl, MiscEnable, MsrControls, MsrDifference, MsrValueGroup, VmCr, AMD_VM_CR,
    IA32_EFER, IA32_FEATURE_CONTROL, IA32_MISC_ENABLE,
};

/// MSRs firmware may set on the boot CPU only; a difference between CPUs
/// is then a firmware bug the OS inherits.
const COMPARED: [u32; 3] = [IA32_FEATURE_CONTROL, IA32_MISC_ENABLE, AMD_VM_CR];
const EFER_NXE: u64 = 1 << 11;

pub fn decode(dumps: &[MsrDump]) -> Option<MsrControls> {
    let first = dumps.iter().find(|d| d.cpu == 0).or(dumps.first())?;
    let mut controls = MsrControls {
        cpu: first.cpu,
        feature_control: first
            .value(IA32_FEATURE_CONTROL)
            .map(FeatureControl::from_raw),
        misc_enable: first.value(IA32_MISC_ENABLE).map(MiscEnable::from_raw),
        vm_cr: first.value(AMD_VM_CR).map(VmCr::from_raw),
        efer_nxe: first.value(IA32_EFER).map(|v| v & EFER_NXE != 0),
        absent: first
            .values
            .iter()
            .filter(|(_, r)| matches!(r, MsrReading::Absent))
            .map(|(&msr, _)| msr)
            .collect(),
        differences: Vec::new(),
    };
    let mut sorted: Vec<&MsrDump> = dumps.iter().collect();
    sorted.sort_by_key(|d| d.cpu);
    for msr in COMPARED {
        let mut groups: Vec<MsrValueGroup> = Vec::new();
        for dump in &sorted {
            let Some(value) = dump.value(msr) else {
                continue;
            };
            match groups.iter_mut().find(|g| g.value == value) {
                Some(group) => group.cpus.push(dump.cpu),
                None => groups.push(MsrValueGroup {
                    value,
                    cpus: vec![dump.cpu],
                }),
            }
        }
        if groups.len() > 1 {
            controls.differences.push(MsrDifference {
                msr,
                values: groups,
            });
        }
    }
    let empty = controls.feature_control.is_none()
        && controls.misc_enable.is_none()
        && controls.vm_cr.is_none()
        && controls.efer_nxe.is_none()
        && controls.absent.is_empty();
    (!empty).then_some(controls)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn dump(cpu: u32, values: &[(u32, Option<u64>)]) -> MsrDump {
        MsrDump {
            cpu,
            values: values
                .iter()
                .map(|&(msr, v)| (msr, v.map_or(MsrReading::Absent, MsrReading::Value)))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    #[test]
    fn intel_locked_off_on_one_cpu() {
        let dumps = [
            dump(
                0,
                &[
                    (0x3A, Some(0x5)),
                    (0x1A0, Some(0x40_0085_0089)),
                    (AMD_VM_CR, None),
                    (IA32_EFER, Some(0xD01)),
                ],
            ),
            dump(1, &[(0x3A, Some(0x1)), (0x1A0, Some(0x40_0085_0089))]),
            dump(2, &[(0x3A, Some(0x5)), (0x1A0, Some(0x40_0085_0089))]),
        ];
        let controls = decode(&dumps).unwrap_or_default();
        let fc = controls.feature_control.unwrap_or_default();
        assert!(fc.locked && fc.vmx_outside_smx && !fc.vmx_inside_smx);
        assert!(!fc.vmx_locked_off());
        assert_eq!(controls.misc_enable.map(|m| m.xd_disable), Some(false));
        assert_eq!(controls.vm_cr, None);
        assert_eq!(controls.absent, vec![AMD_VM_CR]);
        assert_eq!(controls.efer_nxe, Some(true));
        assert_eq!(controls.differences.len(), 1);
        let diff = &controls.differences[0];
        assert_eq!(diff.msr, 0x3A);
        assert_eq!(
            diff.values,
            vec![
                MsrValueGroup {
                    value: 5,
                    cpus: vec![0, 2]
                },
                MsrValueGroup {
                    value: 1,
                    cpus: vec![1]
                },
            ]
        );
    }

    #[test]
    fn amd_svm_disabled_and_xd_bit() {
        let controls =
            decode(&[dump(0, &[(AMD_VM_CR, Some(0x18)), (0x3A, None)])]).unwrap_or_default();
        let vm_cr = controls.vm_cr.unwrap_or_default();
        assert!(vm_cr.lock && vm_cr.svm_disabled);
        assert_eq!(controls.feature_control, None);

        let xd = decode(&[dump(0, &[(0x1A0, Some(0x4_0000_0000))])]).unwrap_or_default();
        assert_eq!(xd.misc_enable.map(|m| m.xd_disable), Some(true));
    }

    #[test]
    fn aida64_style_dump_without_control_msrs() {
        // Only VMX capability MSRs: nothing for this decoder.
        assert_eq!(
            decode(&[dump(0, &[(0x480, Some(0xDA_0400_0000_000F))])]),
            None
        );
        assert_eq!(decode(&[]), None);
    }
}
