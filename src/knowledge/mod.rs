//! The knowledge base: data files from `probes/`, compiled in.
//!
//! Knowledge is data so that a firmware engineer can add a vendor row or a
//! hypervisor signature without reading Rust. `validate` (run by a test)
//! proves every file parses, every reference resolves and no id repeats.

pub mod brand;
mod firmware;
pub mod generations;
mod hypervisors;
mod log_signatures;
pub mod pattern;
mod target_facts;
mod targets;
mod xen_boot_options;

pub use firmware::{
    manufacturer_matches, CpuFamily, EventLog, FirmwareKnowledge, Hint, Setting, SettingInfo,
    Vendor as FirmwareVendor, VendorSetting,
};
pub use generations::{
    BrandRule, Generation, GenerationKnowledge, Identified, Identity, PlatformIommu, Presence,
    Segment, Vendor, Via,
};
pub use hypervisors::{HypervisorKnowledge, SmbiosVmPattern};
pub use log_signatures::{LogSignature, LogSignatures, SignaturePattern};
pub use target_facts::{NmiDefault, Sourced, XenFacts};
pub use targets::{Target, TargetGrades};
pub use xen_boot_options::{option_key as xen_option_key, HistoricalOption, XenBootOptions};

use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    #[error("probes/{file}: {message}")]
    Parse { file: &'static str, message: String },
    #[error("probes/{file}: {message}")]
    Invalid { file: &'static str, message: String },
}

#[derive(Debug)]
pub struct Knowledge {
    pub targets: Vec<Target>,
    pub hypervisors: HypervisorKnowledge,
    pub firmware: FirmwareKnowledge,
    pub generations: GenerationKnowledge,
    pub log_signatures: LogSignatures,
    pub xen_boot_options: XenBootOptions,
}

/// A probe file as compiled in: build.rs converts `probes/NAME.toml` to
/// JSON so the binary carries no TOML parser.
macro_rules! probe {
    ($name:literal) => {
        include_str!(concat!(env!("OUT_DIR"), "/probes/", $name, ".json"))
    };
}

/// Every probe file: its TOML name (for messages) and its compiled-in JSON.
const TARGETS: (&str, &str) = ("targets.toml", probe!("targets"));
const HYPERVISORS: (&str, &str) = ("hypervisors.toml", probe!("hypervisors"));
const FIRMWARE: (&str, &str) = ("firmware-settings.toml", probe!("firmware-settings"));
const GENERATIONS: (&str, &str) = ("cpu-generations.toml", probe!("cpu-generations"));
const LOG_SIGNATURES: (&str, &str) = ("log-signatures.toml", probe!("log-signatures"));
const XEN_BOOT_OPTIONS: (&str, &str) = ("xen-boot-options.toml", probe!("xen-boot-options"));

impl Knowledge {
    /// Parses and validates the compiled-in data.
    pub fn load() -> Result<Knowledge, KnowledgeError> {
        let knowledge = Knowledge {
            targets: parse::<targets::TargetsFile>(TARGETS)?.target,
            hypervisors: parse(HYPERVISORS)?,
            firmware: parse(FIRMWARE)?,
            generations: parse(GENERATIONS)?,
            log_signatures: LogSignatures::load(parse(LOG_SIGNATURES)?)?,
            xen_boot_options: parse(XEN_BOOT_OPTIONS)?,
        };
        // The data is fixed at build time and `cargo test` validates it
        // (debug builds check at every start too); release builds leave the
        // check out: the static binary has a size budget.
        if cfg!(debug_assertions) {
            knowledge.validate()?;
        }
        Ok(knowledge)
    }

    /// The compiled-in knowledge. The data is fixed at build time and a test
    /// loads it, so a failure here is a build defect, not bad input.
    pub fn builtin() -> &'static Knowledge {
        static BUILTIN: OnceLock<Knowledge> = OnceLock::new();
        BUILTIN.get_or_init(|| match Knowledge::load() {
            Ok(knowledge) => knowledge,
            Err(error) => panic!("compiled-in knowledge base is invalid: {error}"),
        })
    }

    /// This knowledge with its firmware part replaced, after validating it:
    /// how a test (or a site with its own vendor rows) tries firmware data
    /// that is not compiled in.
    pub fn with_firmware(self, firmware: FirmwareKnowledge) -> Result<Knowledge, KnowledgeError> {
        firmware.validate()?;
        Ok(Knowledge { firmware, ..self })
    }

    pub fn target(&self, id: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.id == id)
    }

    /// The server vendor whose firmware names apply to a machine with this
    /// SMBIOS system manufacturer.
    pub fn vendor_for(&self, manufacturer: &str) -> Option<&FirmwareVendor> {
        self.firmware.vendor_for(manufacturer)
    }

    pub fn default_target(&self) -> &Target {
        // validate() guarantees at least one target, the first being the default.
        &self.targets[0]
    }

    fn validate(&self) -> Result<(), KnowledgeError> {
        targets::validate(&self.targets)?;
        self.hypervisors.validate()?;
        self.firmware.validate()?;
        self.generations.validate()?;
        self.log_signatures.validate()?;
        self.xen_boot_options.validate()
    }
}

fn parse<T: for<'de> Deserialize<'de>>(
    (file, json): (&'static str, &str),
) -> Result<T, KnowledgeError> {
    serde_json::from_str(json).map_err(|error| KnowledgeError::Parse {
        file,
        message: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The TOML sources deserialise into the same types directly, so a
    /// mistake in a probe file is reported with its TOML line, not a
    /// position in the generated JSON.
    #[test]
    fn probe_sources_deserialise_from_toml() {
        fn check<T: for<'de> Deserialize<'de>>(file: &str, text: &str) {
            if let Err(error) = toml::from_str::<T>(text) {
                panic!("probes/{file}: {error}");
            }
        }
        check::<targets::TargetsFile>("targets.toml", include_str!("../../probes/targets.toml"));
        check::<HypervisorKnowledge>(
            "hypervisors.toml",
            include_str!("../../probes/hypervisors.toml"),
        );
        check::<FirmwareKnowledge>(
            "firmware-settings.toml",
            include_str!("../../probes/firmware-settings.toml"),
        );
        check::<GenerationKnowledge>(
            "cpu-generations.toml",
            include_str!("../../probes/cpu-generations.toml"),
        );
    }

    #[test]
    fn builtin_knowledge_parses_and_validates() {
        let knowledge = Knowledge::load().expect("probes/ must parse");
        // Explicitly: release builds skip the check inside load().
        knowledge.validate().expect("probes/ must be valid");
        assert_eq!(knowledge.default_target().id, "xen");
        assert!(knowledge.hypervisors.cpuid_vendor("KVMKVMKVM").is_some());
        for meaning in crate::model::LogMeaning::ALL {
            assert!(
                knowledge
                    .log_signatures
                    .signatures
                    .iter()
                    .any(|s| s.patterns.iter().any(|p| p.means.contains(meaning))),
                "{meaning:?}"
            );
        }
        assert!(knowledge.xen_boot_options.knows("nmi=dom0"));
    }

    #[test]
    fn all_six_targets_in_order_with_their_grades() {
        use crate::model::Severity;
        let knowledge = Knowledge::load().expect("probes/ must be valid");
        let ids: Vec<&str> = knowledge.targets.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "xen",
                "xenserver-6.5",
                "xenserver-8",
                "citrix-hypervisor-8.2",
                "xcp-ng-8.2",
                "xcp-ng-8.3"
            ]
        );
        let grade = |target: &str, check: &str| {
            knowledge
                .target(target)
                .map(|t| t.grade(check, Severity::Info))
        };
        assert_eq!(grade("xen", "hap-unsupported"), Some(Severity::Limitation));
        assert_eq!(
            grade("xcp-ng-8.3", "hap-unsupported"),
            Some(Severity::Blocker)
        );
        assert_eq!(grade("xen", "hvm-unsupported"), Some(Severity::Limitation));
        assert_eq!(
            grade("xenserver-8", "hvm-unsupported"),
            Some(Severity::Blocker)
        );
        assert_eq!(
            grade("xcp-ng-8.3", "hvm-unsupported"),
            Some(Severity::Blocker)
        );
        // The facts decide: XenServer 8 and XCP-ng 8.3 run no guest without
        // EPT/NPT and no Xen without NX; Citrix Hypervisor 8.2 still can.
        for id in ["xenserver-8", "xcp-ng-8.3"] {
            assert_eq!(
                grade(id, "hap-unsupported"),
                Some(Severity::Blocker),
                "{id}"
            );
            assert_eq!(grade(id, "nx-unavailable"), Some(Severity::Blocker), "{id}");
        }
        assert_eq!(
            grade("citrix-hypervisor-8.2", "hap-unsupported"),
            Some(Severity::Limitation)
        );
        assert_eq!(
            grade("citrix-hypervisor-8.2", "nx-unavailable"),
            Some(Severity::Info)
        );
        // XenServer 6.5's installer: 12 GiB of disk, and only a warning
        // below 1024 - 100 MB of memory.
        let xs65 = knowledge.target("xenserver-6.5").expect("xenserver-6.5");
        assert_eq!((xs65.min_disk_gb, xs65.min_ram_mib), (Some(12), 924));
        assert_eq!(
            grade("xenserver-6.5", "memory-below-minimum"),
            Some(Severity::Warning)
        );
        let xcp83 = knowledge.target("xcp-ng-8.3").expect("xcp-ng-8.3");
        assert_eq!(xcp83.min_disk_gb, Some(46));
        assert_eq!(xcp83.min_ram_mib, 2048);
        assert!(knowledge
            .target("xen")
            .is_some_and(|t| t.min_disk_gb.is_none()));
    }

    #[test]
    fn generations_parse_with_unique_ids_and_resolving_brand_patterns() {
        let knowledge = Knowledge::load().expect("probes/ must be valid");
        let generations = &knowledge.generations;
        assert!(generations.generation.len() >= 60);
        // validate() proved uniqueness and references; spot-check the data.
        for id in [
            "foster",
            "gallatin",
            "nocona",
            "irwindale",
            "paxville",
            "dempsey",
            "tulsa",
            "woodcrest",
            "clovertown",
            "tigerton",
            "harpertown",
            "wolfdale-dp",
            "dunnington",
            "nehalem-ep",
            "nehalem-ex",
            "lynnfield",
            "westmere-ep",
            "westmere-ex",
            "gulftown",
            "sandy-bridge",
            "sandy-bridge-ep",
            "ivy-bridge-ep",
            "ivy-bridge-ex",
            "haswell-ep",
            "haswell-ex",
            "broadwell-ep",
            "broadwell-ex",
            "skylake-sp",
            "cascade-lake",
            "cooper-lake",
            "ice-lake-sp",
            "sapphire-rapids",
            "emerald-rapids",
            "granite-rapids",
            "sierra-forest",
            "k7",
            "k8-opteron",
            "k8-rev-f",
            "barcelona",
            "shanghai",
            "istanbul",
            "magny-cours",
            "lisbon",
            "bulldozer",
            "piledriver",
            "naples",
            "rome",
            "milan",
            "genoa",
            "bergamo",
            "turin",
            "yonah",
            "conroe",
            "conroe-l",
            "kentsfield",
            "penryn",
            "yorkfield",
            "bloomfield",
            "westmere-client",
            "silvermont",
            "isaiah",
            "prescott",
            "northwood",
            "smithfield",
            "presler",
            "cedar-mill",
        ] {
            assert!(generations.get(id).is_some(), "generation {id} missing");
        }
        assert!(!generations.brand.is_empty());
    }

    #[test]
    fn every_instlatx64_fixture_signature_has_a_generation() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/cpuid/instlatx64");
        let entries = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", std::path::Path::new(dir).display()));
        let knowledge = Knowledge::load().expect("probes/ must be valid");
        let mut checked = 0;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // GenuineIntel00106A2_Nehalem-EP_CPUID.txt: vendor, 7 hex digits of leaf 1 EAX.
            let (vendor, rest) = match name.get(..12) {
                Some("GenuineIntel") => (Vendor::Intel, &name[12..]),
                Some("AuthenticAMD") => (Vendor::Amd, &name[12..]),
                Some("CentaurHauls") => (Vendor::Centaur, &name[12..]),
                _ => continue,
            };
            let Some(eax) = rest.get(..7).and_then(|h| u32::from_str_radix(h, 16).ok()) else {
                continue;
            };
            // The Palermo dump's file name is its only identity; its CPUID is empty.
            let (family, model, stepping) = generations::decode_signature(eax);
            let found = knowledge
                .generations
                .by_signature(vendor, family, model, Some(stepping));
            assert!(
                !found.is_empty(),
                "{name}: no generation for family {family:#x} model {model:#x} stepping {stepping}"
            );
            checked += 1;
        }
        assert!(checked >= 100, "only {checked} fixtures checked");
    }
}
