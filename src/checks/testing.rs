//! Test support: run one check against hand-built Facts, with the
//! assessment and knowledge the real pipeline would give it.

use super::{outcome, Check, Context, Hit, Outcome};
use crate::facts::{
    AcpiFacts, CpuFacts, CpuFeatures, CpuTopology, CpuVendor, DmarFacts, DrhdUnit, Facts,
    KernelLogFacts, LogEvent,
};
use crate::knowledge::Knowledge;
use crate::model::LogOrigin;

/// The hits of the check's own answer. Hand-built Facts record no sources,
/// so this does not settle the answer against them (`settled` does).
pub fn run(check: &Check, facts: &Facts) -> Vec<Hit> {
    with_context(facts, |context| (check.run)(context).into_hits())
}

/// The answer as the report would have it, settled against the sources
/// the Facts record.
pub fn settled(check: &Check, facts: &Facts) -> Outcome {
    with_context(facts, |context| outcome::settle(check, context))
}

fn with_context<T>(facts: &Facts, f: impl FnOnce(&Context) -> T) -> T {
    let knowledge = Knowledge::builtin();
    let assessment = crate::assess::assess(facts, knowledge);
    let context = Context {
        facts,
        assessment: &assessment,
        knowledge,
        target: knowledge.default_target(),
    };
    f(&context)
}

/// A bare-metal CPU with long mode and NX; VT-x or AMD-V per vendor.
pub fn cpu(vendor: CpuVendor) -> CpuFacts {
    let intel = vendor == CpuVendor::Intel;
    CpuFacts {
        vendor,
        vendor_id: if intel {
            "GenuineIntel"
        } else {
            "AuthenticAMD"
        }
        .into(),
        brand: Some(
            if intel {
                "Intel(R) Xeon(R) CPU E5540 @ 2.53GHz"
            } else {
                "Quad-Core AMD Opteron(tm) Processor 2376"
            }
            .into(),
        ),
        family: if intel { 6 } else { 0x10 },
        model: if intel { 0x1A } else { 4 },
        stepping: 5,
        signature: 0x106A5,
        max_basic_leaf: 11,
        max_extended_leaf: 0x8000_0008,
        features: CpuFeatures {
            long_mode: true,
            nx: true,
            vmx: intel,
            svm: !intel,
            pae: true,
            ..CpuFeatures::default()
        },
        hypervisor_vendor: None,
        topology: CpuTopology::default(),
        locations: Vec::new(),
    }
}

pub fn event(id: &str, origin: LogOrigin, line: u64, text: &str) -> LogEvent {
    LogEvent {
        id: id.into(),
        // What the builtin signature of that id says.
        meanings: crate::knowledge::Knowledge::builtin()
            .log_signatures
            .get(id)
            .map(|s| s.means.clone())
            .unwrap_or_default(),
        origin,
        line,
        text: text.into(),
        // Where such lines are read on a live system.
        source: match origin {
            LogOrigin::Linux => "/dev/kmsg",
            LogOrigin::Xen => "xl dmesg",
        }
        .into(),
        ..LogEvent::default()
    }
}

pub fn log(events: Vec<LogEvent>) -> Option<KernelLogFacts> {
    Some(KernelLogFacts {
        sources: vec!["test".into()],
        lines: 1000,
        events,
        ..KernelLogFacts::default()
    })
}

/// A full ACPI listing with a DMAR of one catch-all unit.
pub fn acpi_with_dmar(flags: u8) -> AcpiFacts {
    AcpiFacts {
        signatures: ["APIC", "DMAR", "DSDT", "FACP"].map(String::from).to_vec(),
        complete: true,
        dmar: Some(DmarFacts {
            signature: "DMAR".into(),
            host_address_width: 39,
            flags,
            intr_remap: flags & 1 != 0,
            x2apic_opt_out: flags & 2 != 0,
            drhd: vec![DrhdUnit {
                flags: 1,
                include_pci_all: true,
                segment: 0,
                register_base: 0xFED9_0000,
                device_scopes: 2,
            }],
            checksum_ok: true,
            ..DmarFacts::default()
        }),
        ..AcpiFacts::default()
    }
}

/// A full listing without any IOMMU table.
pub fn acpi_without_iommu() -> AcpiFacts {
    AcpiFacts {
        signatures: ["APIC", "DSDT", "FACP", "HPET", "MCFG"]
            .map(String::from)
            .to_vec(),
        complete: true,
        ..AcpiFacts::default()
    }
}

pub fn bare_metal(vendor: CpuVendor) -> Facts {
    Facts {
        cpu: Some(cpu(vendor)),
        ..Facts::default()
    }
}
