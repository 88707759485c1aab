//! Firmware's own switch for VT-x/AMD-V: IA32_FEATURE_CONTROL on Intel,
//! VM_CR on AMD.

use super::Observations;
use crate::facts::{
    msr_name, CpuVendor, Facts, FeatureControl, MsrControls, VmCr, AMD_VM_CR, IA32_FEATURE_CONTROL,
};
use crate::model::FirmwareState;

/// Firmware's own switch: IA32_FEATURE_CONTROL on Intel, VM_CR on AMD.
/// One CPU switched off is enough for Xen to lose VT-x there, so every CPU
/// read is looked at, not only CPU 0.
pub(super) fn from_msr(facts: &Facts, j: &mut Observations) {
    let Some(msr) = &facts.msr_controls else {
        return;
    };
    let vendor = facts.cpu.as_ref().map(|c| c.vendor);
    let amd = match vendor {
        Some(v) => matches!(v, CpuVendor::Amd | CpuVendor::Hygon),
        None => msr.feature_control.is_none() && msr.vm_cr.is_some(),
    };
    if amd {
        from_vm_cr(msr, j);
    } else {
        from_feature_control(msr, j);
    }
}

/// Each CPU's value of `number`, CPU 0's first: from the differences when
/// the CPUs disagree, else CPU 0's alone.
fn per_cpu(msr: &MsrControls, number: u32, cpu0: u64) -> Vec<(u32, u64)> {
    match msr.differences.iter().find(|d| d.msr == number) {
        Some(difference) => difference
            .values
            .iter()
            .flat_map(|g| g.cpus.iter().map(move |&cpu| (cpu, g.value)))
            .collect(),
        None => vec![(msr.cpu, cpu0)],
    }
}

fn from_feature_control(msr: &MsrControls, j: &mut Observations) {
    let Some(fc) = msr.feature_control else {
        return;
    };
    let name = msr_name(IA32_FEATURE_CONTROL);
    let reading = |cpu: u32, value: u64| format!("msr 0x3A ({name}) = {value:#x} on CPU {cpu}");
    let values = per_cpu(msr, IA32_FEATURE_CONTROL, fc.raw);
    let off = values
        .iter()
        .find(|&&(_, v)| FeatureControl::from_raw(v).vmx_locked_off());
    if let Some(&(cpu, value)) = off {
        let inside_smx = if FeatureControl::from_raw(value).vmx_inside_smx {
            " (VMXON inside SMX, for Intel TXT only, is allowed)"
        } else {
            ""
        };
        j.observe_firmware(
            FirmwareState::Disabled,
            format!(
                "{}: locked (bit 0) with VMXON outside SMX (bit 2) clear{inside_smx}: firmware disabled VT-x",
                reading(cpu, value)
            ),
        );
    } else if fc.locked {
        j.observe_firmware(
            FirmwareState::Enabled,
            format!(
                "{}: locked with VMXON outside SMX (bit 2) allowed: firmware enabled VT-x",
                reading(msr.cpu, fc.raw)
            ),
        );
    } else {
        j.observe_firmware(
            FirmwareState::Enabled,
            format!(
                "{}: unlocked: the OS or Xen enables VT-x and locks it itself",
                reading(msr.cpu, fc.raw)
            ),
        );
    }
}

fn from_vm_cr(msr: &MsrControls, j: &mut Observations) {
    let Some(vm_cr) = msr.vm_cr else {
        return;
    };
    let reading =
        |cpu: u32, value: u64| format!("msr 0xC0010114 (VM_CR) = {value:#x} on CPU {cpu}");
    let values = per_cpu(msr, AMD_VM_CR, vm_cr.raw);
    match values
        .iter()
        .find(|&&(_, v)| VmCr::from_raw(v).svm_disabled)
    {
        Some(&(cpu, value)) => {
            let lock = if VmCr::from_raw(value).lock {
                ", locked (bit 3)"
            } else {
                ""
            };
            j.observe_firmware(
                FirmwareState::Disabled,
                format!(
                    "{}: SVMDIS (bit 4) set{lock}: firmware disabled AMD-V",
                    reading(cpu, value)
                ),
            );
        }
        None => j.observe_firmware(
            FirmwareState::Enabled,
            format!(
                "{}: SVMDIS (bit 4) clear: firmware leaves AMD-V enabled",
                reading(msr.cpu, vm_cr.raw)
            ),
        ),
    }
}
