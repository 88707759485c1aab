use crate::facts::Facts;
use crate::report::Capability;

/// The IOMMU is announced by the ACPI DMAR (Intel) or IVRS (AMD) table; until
/// those are read, it stays unknown rather than guessed from the chipset.
pub fn assess(_facts: &Facts) -> Capability {
    Capability::unknown(vec![
        "ACPI DMAR/IVRS tables were not read, so the IOMMU cannot be judged".into(),
    ])
}
