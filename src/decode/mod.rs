//! Evidence → Facts. Pure functions, one module per source.

pub mod acpi;
pub mod boot;
pub mod cpuid;
pub mod devices;
pub mod dmidecode_text;
pub mod kernel_log;
pub mod msr;
pub mod procfs;
pub mod smbios;
pub mod vmx;
pub mod xen;

use crate::evidence::Evidence;
use crate::facts::Facts;
use crate::knowledge::Knowledge;

pub fn decode(evidence: &Evidence, knowledge: &Knowledge) -> Facts {
    let mut notes = Vec::new();
    let cpu = cpuid::decode(&evidence.cpuid, &mut notes);
    let vmx = vmx::decode(&evidence.msr);
    let msr_controls = msr::decode(&evidence.msr);
    let acpi = evidence
        .acpi
        .as_ref()
        .map(|raw| acpi::decode(raw, &mut notes));
    let firmware = evidence
        .smbios
        .as_ref()
        .and_then(|raw| smbios::decode(raw, &mut notes))
        .or_else(|| {
            let text = evidence.dmidecode_text.as_ref()?;
            dmidecode_text::decode(text, &mut notes)
        })
        .or_else(|| smbios::decode_dmi_id(&evidence.files));
    let os = procfs::decode(&evidence.files, &mut notes);
    let storage = devices::decode_block(&evidence.files, &mut notes);
    let network = devices::decode_net(&evidence.files, &mut notes);
    Facts {
        origin: evidence.meta.origin,
        as_root: evidence.meta.as_root,
        captured_at: evidence.meta.captured_at,
        collect_micros: evidence.meta.collect_micros,
        cpu,
        vmx,
        msr_controls,
        firmware,
        os,
        acpi,
        storage,
        network,
        kernel_log: kernel_log::decode(evidence, &knowledge.log_signatures),
        xen: xen::decode(evidence),
        boot: boot::decode(&evidence.files),
        sources: evidence.sources.clone(),
        decode_notes: notes,
        system: evidence.system.clone(),
    }
}
