//! Facts → the three-way judgement of each capability, and where the probe
//! ran (bare metal, a virtual machine, a Xen dom0). Checks read this instead
//! of re-deriving it, so every check agrees on what "HVM" means.
//!
//! One file per capability holds everything said about it, from the most
//! trusted reading to what the CPU generation implies (`infer`, observed
//! last); [`inference`] only identifies the generation. Each capability
//! collects [`Observations`] and finishes them into a `model::Capability`.

mod hap;
mod hvm;
pub mod inference;
mod iommu;
mod long_mode;
mod nx;
mod observations;
mod platform;
mod smt;

pub use inference::Inference;
pub use observations::Observations;
pub use platform::{detect as detect_platform, PlatformView};

use crate::facts::Facts;
use crate::knowledge::Knowledge;
use crate::model::Capabilities;

#[derive(Debug, Clone)]
pub struct Assessment {
    pub platform: PlatformView,
    pub capabilities: Capabilities,
}

pub fn assess(facts: &Facts, knowledge: &Knowledge) -> Assessment {
    let platform = platform::detect(facts, knowledge);
    // The CPU generation, for what the readings leave open; observed last.
    let inference = Inference::new(facts, knowledge, &platform);
    let hvm = hvm::assess(facts, &platform, &inference);
    let capabilities = Capabilities {
        long_mode: long_mode::assess(facts, &inference),
        nx: nx::assess(facts, &inference),
        hap: hap::assess(facts, &hvm, &inference),
        hvm,
        iommu: iommu::assess(facts, &inference),
        smt: smt::assess(facts, &inference),
    };
    Assessment {
        platform,
        capabilities,
    }
}

/// `major.minor` of a kernel release string ("5.15.0-40-generic").
pub(crate) fn kernel_version(release: &str) -> Option<(u32, u32)> {
    let mut parts = release.split(['.', '-']);
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    #[test]
    fn kernel_versions_parse() {
        assert_eq!(super::kernel_version("5.15.0-40-generic"), Some((5, 15)));
        assert_eq!(super::kernel_version("2.6.32-754.el6.x86_64"), Some((2, 6)));
        assert_eq!(super::kernel_version("garbage"), None);
    }
}
