use serde::Serialize;
use std::collections::BTreeMap;

/// What Xen itself reports, read in dom0 (`xl info`) or imported.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct XenFacts {
    /// Every `key : value` line of `xl info`.
    pub xl_info: BTreeMap<String, String>,
    pub version: Option<String>,
    /// `virt_caps`: pv hvm hvm_directio pv_directio hap shadow
    /// iommu_hap_pt_share ...
    pub virt_caps: Vec<String>,
    /// `xen_commandline`: the options Xen booted with.
    pub commandline: Option<String>,
}

impl XenFacts {
    pub fn has_cap(&self, cap: &str) -> bool {
        self.virt_caps.iter().any(|c| c == cap)
    }
}
