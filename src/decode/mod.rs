//! Evidence → Facts. Pure functions, one module per source.

pub mod cpuid;
pub mod dmidecode_text;
pub mod procfs;
pub mod smbios;
pub mod vmx;

use crate::evidence::Evidence;
use crate::facts::Facts;

pub fn decode(evidence: &Evidence) -> Facts {
    let mut notes = Vec::new();
    let cpu = cpuid::decode(&evidence.cpuid, &mut notes);
    let vmx = vmx::decode(&evidence.msr);
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
    Facts {
        origin: evidence.meta.origin,
        as_root: evidence.meta.as_root,
        captured_at: evidence.meta.captured_at,
        cpu,
        vmx,
        firmware,
        os,
        kernel_log: None,
        xen: None,
        sources: evidence.sources.clone(),
        decode_notes: notes,
    }
}
