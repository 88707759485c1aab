use serde::Serialize;

/// What the ACPI tables say about the IOMMU and the processors.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct AcpiFacts {
    /// Distinct table signatures the machine lists, sorted.
    pub signatures: Vec<String>,
    /// The signatures are the machine's whole set (a sysfs listing, an
    /// acpidump, an acpixtract directory), so a table missing from them is
    /// missing from the machine. False when only some tables were given.
    pub complete: bool,
    pub dmar: Option<DmarFacts>,
    pub ivrs: Option<IvrsFacts>,
    pub madt: Option<MadtFacts>,
}

impl AcpiFacts {
    pub fn lists(&self, signature: &str) -> bool {
        self.signatures.iter().any(|s| s == signature)
    }

    /// The DMAR under any of its names: Xen renames it in dom0 (`RMAD`
    /// since Xen 4.x, `XMAR` before) so that dom0 does not drive VT-d.
    pub fn lists_dmar(&self) -> bool {
        DMAR_NAMES.iter().any(|s| self.lists(s))
    }

    pub fn lists_ivrs(&self) -> bool {
        self.lists("IVRS")
    }
}

/// Names the DMAR table is published under.
pub const DMAR_NAMES: [&str; 3] = ["DMAR", "RMAD", "XMAR"];

/// The Intel VT-d DMA remapping table (VT-d specification, chapter 8).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct DmarFacts {
    /// `DMAR`, or `RMAD`/`XMAR` when read in a Xen dom0.
    pub signature: String,
    /// Bits of DMA address the remapping hardware supports (the table's
    /// field plus one).
    pub host_address_width: u16,
    pub flags: u8,
    /// Flags bit 0: interrupt remapping is supported.
    pub intr_remap: bool,
    /// Flags bit 1: firmware asks the OS not to enable x2APIC mode.
    pub x2apic_opt_out: bool,
    /// Flags bit 2: firmware protects DMA until the OS takes over.
    pub dma_ctrl_platform_opt_in: bool,
    pub drhd: Vec<DrhdUnit>,
    pub rmrr: Vec<RmrrRegion>,
    pub atsr_count: u32,
    pub rhsa_count: u32,
    pub andd_count: u32,
    /// Remapping structures of other (newer) types: SATC, SIDP, ...
    pub other_count: u32,
    pub checksum_ok: bool,
    /// The structures did not add up to the table length; what was
    /// decoded before the fault is kept.
    pub malformed: bool,
}

/// One DMA remapping hardware unit (DRHD): an IOMMU.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct DrhdUnit {
    pub flags: u8,
    /// Flags bit 0: the unit covers every PCI device of its segment not
    /// claimed by another unit.
    pub include_pci_all: bool,
    pub segment: u16,
    pub register_base: u64,
    pub device_scopes: u32,
}

/// A reserved memory region a device keeps DMA-ing into (RMRR): USB
/// legacy emulation, management controllers.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct RmrrRegion {
    pub segment: u16,
    pub base: u64,
    /// Last byte of the region (inclusive).
    pub limit: u64,
    pub device_scopes: u32,
}

impl RmrrRegion {
    /// Linux's sanity rule (`drivers/iommu/intel/dmar.c`): page aligned at
    /// both ends and not empty. Xen ignores such a region with a warning.
    pub fn is_sane(&self) -> bool {
        self.base & 0xFFF == 0 && self.limit.wrapping_add(1) & 0xFFF == 0 && self.limit > self.base
    }
}

/// The AMD I/O virtualization reporting structure (AMD IOMMU spec, 5.2).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct IvrsFacts {
    pub ivinfo: u32,
    /// IVinfo bit 0: the IVHD type 0x11/0x40 blocks carry a valid EFR image.
    pub efr_sup: bool,
    /// IVinfo bit 1: firmware protects DMA until the OS takes over.
    pub dma_remap_opt_in: bool,
    /// IVinfo bits 21:15, 14:8, 7:5.
    pub virtual_address_size: u8,
    pub physical_address_size: u8,
    pub guest_virtual_address_size: u8,
    pub ivhd: Vec<IvhdBlock>,
    pub ivmd_count: u32,
    pub checksum_ok: bool,
    pub malformed: bool,
}

/// One I/O virtualization hardware definition (IVHD): an IOMMU, described
/// once per block type the firmware supplies (0x10 for old OSes, 0x11 and
/// 0x40 for newer ones; the same IOMMU may appear in each).
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct IvhdBlock {
    pub block_type: u8,
    pub flags: u8,
    /// PCI bus/device/function of the IOMMU itself.
    pub device_id: u16,
    pub capability_offset: u16,
    pub iommu_base: u64,
    pub segment: u16,
    /// Bits 4:0 MSI number, 12:8 HyperTransport unit id.
    pub iommu_info: u16,
    /// Type 0x10: IOMMU feature reporting; 0x11/0x40: IOMMU attributes.
    pub feature_reporting: u32,
    /// Type 0x11/0x40: image of the Extended Feature Register.
    pub efr: Option<u64>,
    /// Device entries in the block.
    pub device_entries: u32,
}

/// The multiple APIC description table: the processors and I/O APICs
/// firmware hands to the OS.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct MadtFacts {
    pub local_apic_address: u32,
    /// Flags bit 0: the machine also has dual 8259 PICs.
    pub pcat_compat: bool,
    pub local_apic_enabled: u32,
    /// Entries with the enabled bit clear: sockets or cores firmware
    /// disabled, or spare slots (see `*_online_capable`).
    pub local_apic_disabled: u32,
    /// Disabled entries with bit 1 (online capable, MADT revision 5+) set:
    /// CPUs that may be hot-added, not switched off.
    pub local_apic_online_capable: u32,
    pub x2apic_enabled: u32,
    pub x2apic_disabled: u32,
    pub x2apic_online_capable: u32,
    /// Distinct APIC ids of the enabled processors: the logical CPUs the
    /// firmware hands over, to compare with what the OS runs.
    pub enabled_cpus: u32,
    pub io_apics: Vec<IoApic>,
    pub checksum_ok: bool,
    pub malformed: bool,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct IoApic {
    pub id: u8,
    pub address: u32,
    pub gsi_base: u32,
}
