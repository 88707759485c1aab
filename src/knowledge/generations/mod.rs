//! CPU generations (`probes/cpu-generations.toml`): what a Xeon, Opteron or
//! desktop part of a given family/model brings to Xen, and the brand-string
//! patterns that name it. Used to infer what a machine's readings cannot
//! show (EPT without MSRs, NX hidden by firmware) and to answer
//! `xenready cpu QUERY` before a purchase. Inference never outranks a
//! reading: CPUID wins over this table.

mod identify;
mod signature;

pub use identify::{Identified, Identity, Via};
pub use signature::{decode_signature, encode_signature};

use super::brand::Pattern;
use super::KnowledgeError;
use serde::Deserialize;
use std::collections::BTreeSet;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerationKnowledge {
    pub generation: Vec<Generation>,
    #[serde(default)]
    pub brand: Vec<BrandRule>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    Intel,
    Amd,
    /// VIA (CentaurHauls).
    Centaur,
}

impl Vendor {
    pub fn name(self) -> &'static str {
        match self {
            Vendor::Intel => "Intel",
            Vendor::Amd => "AMD",
            Vendor::Centaur => "VIA/Centaur",
        }
    }

    /// From a CPUID vendor id ("GenuineIntel"), an SMBIOS processor
    /// manufacturer ("Advanced Micro Devices, Inc.") or a processor version
    /// string. The one rule for naming a CPU's maker from text: inference
    /// and the firmware advice both ask it. "VIA" counts only as a word, so
    /// that a longer name containing those letters is not taken for VIA.
    pub fn from_text(text: &str) -> Option<Vendor> {
        let t = text.to_ascii_uppercase();
        let word = |w: &str| {
            t.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|x| x == w)
        };
        if t.contains("INTEL") {
            Some(Vendor::Intel)
        } else if t.contains("AMD") || t.contains("ADVANCED MICRO") {
            Some(Vendor::Amd)
        } else if t.contains("CENTAUR") || word("VIA") {
            Some(Vendor::Centaur)
        } else {
            None
        }
    }
}

/// How many SKUs of a generation (or of a brand family) have a feature.
/// Only `all` lets an absent CPUID bit be read as hidden rather than missing.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Presence {
    None,
    Some,
    Most,
    All,
}

impl Presence {
    /// Present on the typical SKU.
    pub fn typical(self) -> bool {
        matches!(self, Presence::All | Presence::Most)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Presence::None => "none",
            Presence::Some => "some",
            Presence::Most => "most",
            Presence::All => "all",
        }
    }
}

/// The IOMMU (VT-d / AMD-Vi) of the platforms this generation shipped on:
/// it lives in the chipset or I/O hub, so the CPU alone never settles it.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum PlatformIommu {
    None,
    Optional,
    Typical,
}

impl PlatformIommu {
    pub fn as_str(self) -> &'static str {
        match self {
            PlatformIommu::None => "none",
            PlatformIommu::Optional => "optional",
            PlatformIommu::Typical => "typical",
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Segment {
    Server,
    Desktop,
    Mobile,
}

impl Segment {
    pub fn as_str(self) -> &'static str {
        match self {
            Segment::Server => "server",
            Segment::Desktop => "desktop",
            Segment::Mobile => "mobile",
        }
    }
}

/// CPUID display family/model (and stepping range where it separates
/// generations sharing a model).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CpuidMatch {
    pub family: u32,
    /// One model, or `models = [first, last]`.
    pub model: Option<u32>,
    pub models: Option<[u32; 2]>,
    pub steppings: Option<[u32; 2]>,
}

impl CpuidMatch {
    pub fn matches(&self, family: u32, model: u32, stepping: Option<u32>) -> bool {
        let model_ok = match (self.model, self.models) {
            (Some(m), _) => m == model,
            (None, Some([lo, hi])) => (lo..=hi).contains(&model),
            (None, None) => false,
        };
        let stepping_ok = match (self.steppings, stepping) {
            (Some([lo, hi]), Some(s)) => (lo..=hi).contains(&s),
            _ => true,
        };
        self.family == family && model_ok && stepping_ok
    }

    /// A representative (family, model, stepping) for synthesised evidence.
    pub fn first(&self) -> (u32, u32, u32) {
        let model = self.model.or(self.models.map(|[lo, _]| lo)).unwrap_or(0);
        let stepping = self.steppings.map(|[lo, _]| lo).unwrap_or(0);
        (self.family, model, stepping)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generation {
    pub id: String,
    pub vendor: Vendor,
    pub codename: String,
    /// Other names the generation goes by (platform names, desktop dies).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Marketing series ("Xeon 5500").
    pub series: String,
    pub launch: u16,
    pub segment: Segment,
    pub cpuid: Vec<CpuidMatch>,
    /// x86-64 (long mode).
    pub long_mode: Presence,
    /// NX / Execute Disable.
    pub nx: Presence,
    /// VT-x (Intel, Centaur) or AMD-V (AMD).
    pub hvm: Presence,
    /// EPT (Intel) or NPT (AMD) on every SKU that has `hvm`; absent = unknown.
    pub hap: Option<bool>,
    pub unrestricted_guest: Option<bool>,
    pub vpid: Option<bool>,
    /// Hyper-threading / SMT on the generation's SKUs.
    pub smt: Presence,
    pub iommu: PlatformIommu,
    pub iommu_note: String,
    /// Where the facts come from.
    pub source: String,
    /// `false` when a fact here is a lead, not a checked fact; `note` says which.
    #[serde(default = "yes")]
    pub confirmed: bool,
    #[serde(default)]
    pub note: Option<String>,
}

fn yes() -> bool {
    true
}

impl Generation {
    /// "Nehalem-EP, Xeon 5500".
    pub fn label(&self) -> String {
        format!("{}, {}", self.codename, self.series)
    }

    pub fn matches_signature(&self, family: u32, model: u32, stepping: Option<u32>) -> bool {
        self.cpuid
            .iter()
            .any(|m| m.matches(family, model, stepping))
    }

    /// Every name a user may type for it.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.codename.as_str())
            .chain(std::iter::once(self.id.as_str()))
            .chain(self.aliases.iter().map(String::as_str))
    }
}

/// A brand-string pattern for a family of model numbers, and what differs
/// for that family from its generation (a Xeon X55xx has hyper-threading on
/// every SKU, an E55xx not).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrandRule {
    #[serde(rename = "match")]
    pub pattern: String,
    pub generation: String,
    pub hvm: Option<Presence>,
    pub smt: Option<Presence>,
    #[serde(default)]
    pub note: Option<String>,
}

impl GenerationKnowledge {
    pub fn get(&self, id: &str) -> Option<&Generation> {
        self.generation.iter().find(|g| g.id == id)
    }

    pub fn by_signature(
        &self,
        vendor: Vendor,
        family: u32,
        model: u32,
        stepping: Option<u32>,
    ) -> Vec<&Generation> {
        self.generation
            .iter()
            .filter(|g| g.vendor == vendor && g.matches_signature(family, model, stepping))
            .collect()
    }

    pub(super) fn validate(&self) -> Result<(), KnowledgeError> {
        let invalid = |message: String| KnowledgeError::Invalid {
            file: "cpu-generations.toml",
            message,
        };
        let mut ids = BTreeSet::new();
        for g in &self.generation {
            if !ids.insert(g.id.as_str()) {
                return Err(invalid(format!("generation id `{}` repeats", g.id)));
            }
            if g.cpuid.is_empty() {
                return Err(invalid(format!("generation `{}` has no cpuid match", g.id)));
            }
            for m in &g.cpuid {
                let well_formed = match (m.model, m.models) {
                    (Some(model), None) => model <= 0xFF,
                    (None, Some([lo, hi])) => lo <= hi && hi <= 0xFF,
                    _ => false,
                } && m.steppings.is_none_or(|[lo, hi]| lo <= hi && hi <= 0xF);
                if !well_formed {
                    return Err(invalid(format!(
                        "generation `{}`: a cpuid match needs exactly one of model/models, \
                         ranges first <= last, models <= 0xff and steppings <= 0xf",
                        g.id
                    )));
                }
            }
            if !g.confirmed && g.note.is_none() {
                return Err(invalid(format!(
                    "generation `{}` is unconfirmed without a note saying what",
                    g.id
                )));
            }
        }
        for rule in &self.brand {
            Pattern::parse(&rule.pattern).map_err(|e| invalid(e.to_string()))?;
            if self.get(&rule.generation).is_none() {
                return Err(invalid(format!(
                    "brand pattern `{}` points at unknown generation `{}`",
                    rule.pattern, rule.generation
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Vendor;

    #[test]
    fn cpu_vendor_from_cpuid_ids_and_smbios_strings() {
        for (text, vendor) in [
            ("GenuineIntel", Some(Vendor::Intel)),
            ("Intel(R) Corporation", Some(Vendor::Intel)),
            (
                "Intel(R) Xeon(R) CPU E5-2680 v3 @ 2.50GHz",
                Some(Vendor::Intel),
            ),
            ("AuthenticAMD", Some(Vendor::Amd)),
            ("Advanced Micro Devices, Inc.", Some(Vendor::Amd)),
            ("AMD", Some(Vendor::Amd)),
            ("AMD Opteron(tm) Processor 6172", Some(Vendor::Amd)),
            ("CentaurHauls", Some(Vendor::Centaur)),
            ("VIA", Some(Vendor::Centaur)),
            ("VIA Nano processor U2250", Some(Vendor::Centaur)),
            ("Aviator Systems", None),
            ("Not Specified", None),
            ("", None),
        ] {
            assert_eq!(Vendor::from_text(text), vendor, "{text}");
        }
    }
}
