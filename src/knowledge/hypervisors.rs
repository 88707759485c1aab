use super::KnowledgeError;
use serde::Deserialize;
use std::collections::BTreeSet;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HypervisorKnowledge {
    pub cpuid_signature: Vec<CpuidSignature>,
    pub smbios: Vec<SmbiosVmPattern>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CpuidSignature {
    pub signature: String,
    pub name: String,
}

/// Every field given must be contained (case-insensitively) in the machine's
/// SMBIOS string of that name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmbiosVmPattern {
    pub manufacturer: Option<String>,
    pub product: Option<String>,
    pub bios_vendor: Option<String>,
    pub name: String,
}

impl HypervisorKnowledge {
    /// The hypervisor named by a CPUID leaf 0x40000000 signature. Signatures
    /// shorter than 12 characters are padded with NULs or spaces by the
    /// hypervisor, so compare trimmed.
    pub fn cpuid_vendor(&self, signature: &str) -> Option<&str> {
        let wanted = signature.trim_matches(|c: char| c == '\0' || c == ' ');
        self.cpuid_signature
            .iter()
            .find(|s| s.signature.trim() == wanted)
            .map(|s| s.name.as_str())
    }

    pub fn smbios_vendor(
        &self,
        manufacturer: Option<&str>,
        product: Option<&str>,
        bios_vendor: Option<&str>,
    ) -> Option<&SmbiosVmPattern> {
        let matches = |pattern: &Option<String>, value: Option<&str>| match pattern {
            None => true,
            Some(p) => value.is_some_and(|v| v.to_lowercase().contains(&p.to_lowercase())),
        };
        self.smbios.iter().find(|p| {
            matches(&p.manufacturer, manufacturer)
                && matches(&p.product, product)
                && matches(&p.bios_vendor, bios_vendor)
        })
    }

    pub(super) fn validate(&self) -> Result<(), KnowledgeError> {
        let invalid = |message: String| KnowledgeError::Invalid {
            file: "hypervisors.toml",
            message,
        };
        let mut seen = BTreeSet::new();
        for s in &self.cpuid_signature {
            if s.signature.len() > 12 || !seen.insert(s.signature.as_str()) {
                return Err(invalid(format!(
                    "signature `{}` repeats or is longer than 12 bytes",
                    s.signature
                )));
            }
        }
        for p in &self.smbios {
            if p.manufacturer.is_none() && p.product.is_none() && p.bios_vendor.is_none() {
                return Err(invalid(format!(
                    "smbios row `{}` matches everything",
                    p.name
                )));
            }
        }
        Ok(())
    }
}
