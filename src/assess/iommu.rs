use super::{Inference, Judgement};
use crate::facts::Facts;
use crate::report::Capability;

/// The IOMMU is announced by the ACPI DMAR (Intel) or IVRS (AMD) table; until
/// those are read, it stays unknown rather than guessed from the chipset.
/// The generation's typical platform IOMMU is noted, never passed.
pub fn assess(_facts: &Facts, inference: &Inference) -> Capability {
    let mut judgement = Judgement::default();
    judgement.note("ACPI DMAR/IVRS tables were not read, so the IOMMU cannot be judged");
    inference.iommu(&mut judgement);
    judgement.finish()
}
