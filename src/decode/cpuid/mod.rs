//! CPUID leaves → CpuFacts, replayed through `raw_cpuid`.
//!
//! The first dump is the CPU decoded; the others only add where each CPU
//! sits (its APIC id) and reveal mixed or inconsistent dumps. Raw leaves are
//! read directly only where raw_cpuid has no accessor, or where its accessor
//! would panic on a value a dump can hold (see `topology`).

mod topology;

use crate::evidence::CpuidDump;
use crate::facts::{CpuFacts, CpuFeatures, CpuVendor, DecodeNote};
use raw_cpuid::{CpuId, CpuIdReader, CpuIdResult, FeatureInfo};

const SOURCE: &str = "cpuid";

/// Answers raw_cpuid's questions from a recorded dump. A leaf the dump lacks
/// reads as zeros, which raw_cpuid takes as "not supported".
#[derive(Clone, Copy)]
pub(crate) struct DumpReader<'a>(pub(crate) &'a CpuidDump);

impl CpuIdReader for DumpReader<'_> {
    fn cpuid2(&self, eax: u32, ecx: u32) -> CpuIdResult {
        match self.0.get(eax, ecx) {
            Some(l) => CpuIdResult {
                eax: l.eax,
                ebx: l.ebx,
                ecx: l.ecx,
                edx: l.edx,
            },
            None => CpuIdResult {
                eax: 0,
                ebx: 0,
                ecx: 0,
                edx: 0,
            },
        }
    }
}

pub fn decode(dumps: &[CpuidDump], notes: &mut Vec<DecodeNote>) -> Option<CpuFacts> {
    let first = dumps.first()?;
    let (Some(leaf0), Some(leaf1)) = (first.get(0, 0), first.get(1, 0)) else {
        note(
            notes,
            format!(
                "the CPUID dump of CPU {} lacks leaf 0 or leaf 1, so the CPU is not decoded",
                first.cpu
            ),
        );
        return None;
    };
    let cpuid = CpuId::with_cpuid_reader(DumpReader(first));
    let Some(info) = cpuid.get_feature_info() else {
        note(
            notes,
            "leaf 0 reports no leaf 1 (maximum basic leaf 0), so the CPU is not decoded",
        );
        return None;
    };

    let vendor_id = cpuid
        .get_vendor_info()
        .map(|v| printable(v.as_str()))
        .unwrap_or_default();
    if vendor_id == "InvalidVendorString" {
        // raw_cpuid's answer when the 12 bytes are not UTF-8.
        note(notes, "the vendor string of leaf 0 is not valid text");
    }
    let vendor = vendor_of(&vendor_id);
    let (family, model, stepping) = display_signature(&info);
    let max_basic = leaf0.eax;
    let max_extended = first.get(0x8000_0000, 0).map_or(0, |l| l.eax);
    if max_extended >= 0x8000_0001 && first.get(0x8000_0001, 0).is_none() {
        note(
            notes,
            "leaf 0x80000000 announces leaf 0x80000001 but the dump lacks it: \
             long mode, NX and SVM read as absent",
        );
    }

    let extended = cpuid.get_extended_processor_and_feature_identifiers();
    let features = CpuFeatures {
        long_mode: extended.as_ref().is_some_and(|e| e.has_64bit_mode()),
        nx: extended.as_ref().is_some_and(|e| e.has_execute_disable()),
        vmx: info.has_vmx(),
        svm: extended.as_ref().is_some_and(|e| e.has_svm()),
        hypervisor: info.has_hypervisor(),
        htt: info.has_htt(),
        pae: info.has_pae(),
        x2apic: info.has_x2apic(),
        // Leaf 0x8000000A is defined only with SVM; without it there is no
        // nested paging to have.
        npt: (max_extended >= 0x8000_000A)
            .then(|| cpuid.get_svm_info().is_some_and(|s| s.has_nested_paging())),
        smx: info.has_smx(),
    };

    let layout = topology::layout(&cpuid, first, vendor, family, max_basic, notes);
    let locations = topology::locations(dumps, &layout, notes);
    note_mixed_cpus(dumps, notes);

    Some(CpuFacts {
        vendor,
        vendor_id,
        brand: brand(&cpuid, notes),
        family,
        model,
        stepping,
        signature: leaf1.eax,
        max_basic_leaf: max_basic,
        max_extended_leaf: max_extended,
        hypervisor_vendor: hypervisor_vendor(first, features.hypervisor, notes),
        features,
        topology: layout.topology,
        locations,
    })
}

fn vendor_of(vendor_id: &str) -> CpuVendor {
    match vendor_id {
        "GenuineIntel" => CpuVendor::Intel,
        "AuthenticAMD" => CpuVendor::Amd,
        "HygonGenuine" => CpuVendor::Hygon,
        "CentaurHauls" | "  Shanghai  " => CpuVendor::Centaur,
        _ => CpuVendor::Other,
    }
}

/// Display family, model and stepping as raw_cpuid computes them. Its
/// family sum is a `u8` and overflows (a debug-build panic) on an extended
/// family above 0xF0, which no CPU has but a corrupted dump can.
fn display_signature(info: &FeatureInfo) -> (u32, u32, u32) {
    let stepping = u32::from(info.stepping_id());
    if info.extended_family_id() > 0xF0 {
        let family = u32::from(info.base_family_id()) + u32::from(info.extended_family_id());
        let model = u32::from(info.extended_model_id()) << 4 | u32::from(info.base_model_id());
        return (family, model, stepping);
    }
    (
        u32::from(info.family_id()),
        u32::from(info.model_id()),
        stepping,
    )
}

fn brand<R: CpuIdReader>(cpuid: &CpuId<R>, notes: &mut Vec<DecodeNote>) -> Option<String> {
    let Some(raw) = cpuid.get_processor_brand_string() else {
        note(
            notes,
            "the CPU reports no brand string (leaves 0x80000002-4 absent)",
        );
        return None;
    };
    // raw_cpuid's answer when the bytes are not UTF-8.
    if raw.as_str() == "Invalid Processor Brand String" {
        note(notes, "the brand string is not valid text");
        return None;
    }
    let brand = printable(raw.as_str())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if brand.is_empty() {
        note(notes, "the CPU reports an empty brand string");
        return None;
    }
    Some(brand)
}

/// Leaf 0x40000000's 12-byte signature. raw_cpuid only maps known ones to an
/// enum, and a report must name unknown hypervisors too.
fn hypervisor_vendor(
    dump: &CpuidDump,
    hypervisor_bit: bool,
    notes: &mut Vec<DecodeNote>,
) -> Option<String> {
    if !hypervisor_bit {
        return None;
    }
    let Some(leaf) = dump.get(0x4000_0000, 0) else {
        note(
            notes,
            "the hypervisor bit is set but the dump has no leaf 0x40000000 to name the hypervisor",
        );
        return None;
    };
    let bytes: Vec<u8> = [leaf.ebx, leaf.ecx, leaf.edx]
        .iter()
        .flat_map(|r| r.to_le_bytes())
        .collect();
    let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    let signature = bytes.get(..end).unwrap_or(&[]);
    if signature.is_empty() || !signature.iter().all(|b| (0x20..=0x7E).contains(b)) {
        note(
            notes,
            format!(
                "the hypervisor bit is set but leaf 0x40000000 holds no printable signature \
                 ({:08x} {:08x} {:08x})",
                leaf.ebx, leaf.ecx, leaf.edx
            ),
        );
        return None;
    }
    Some(signature.iter().map(|&b| char::from(b)).collect())
}

/// Dumps whose CPUs disagree on vendor or signature: a mixed-stepping
/// multi-socket machine (which Xen tolerates, with care) or a pasted dump.
fn note_mixed_cpus(dumps: &[CpuidDump], notes: &mut Vec<DecodeNote>) {
    let identity = |d: &CpuidDump| {
        let leaf0 = d.get(0, 0).map(|l| (l.ebx, l.ecx, l.edx));
        (leaf0, d.get(1, 0).map(|l| l.eax))
    };
    let Some(first) = dumps.first() else { return };
    let reference = identity(first);
    let differing: Vec<String> = dumps
        .iter()
        .filter(|d| identity(d) != reference)
        .map(|d| d.cpu.to_string())
        .collect();
    if !differing.is_empty() {
        note(
            notes,
            format!(
                "CPU {} report a different vendor or signature than CPU {}",
                differing.join(", "),
                first.cpu
            ),
        );
    }
}

/// Firmware strings are untrusted: control characters become `?`.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn note(notes: &mut Vec<DecodeNote>, text: impl Into<String>) {
    notes.push(DecodeNote {
        source: SOURCE.to_string(),
        note: text.into(),
    });
}

#[cfg(test)]
mod tests;
