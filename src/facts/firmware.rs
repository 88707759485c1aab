use serde::Serialize;

/// What the SMBIOS tables say. Strings are as the firmware wrote them
/// (trimmed); sanitising happens where they reach a terminal.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SmbiosFacts {
    /// SMBIOS version from the entry point, when one was given.
    pub version: Option<(u8, u8)>,
    pub bios: Option<BiosInfo>,
    pub system: Option<SystemInfo>,
    pub baseboard: Option<BaseboardInfo>,
    pub chassis: Option<ChassisInfo>,
    /// Type 4, one per socket, populated or not.
    pub processors: Vec<ProcessorSocket>,
    /// Type 16.
    pub memory_arrays: Vec<MemoryArray>,
    /// Type 17, one per slot, populated or not.
    pub memory_devices: Vec<MemoryDevice>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct BiosInfo {
    pub vendor: Option<String>,
    pub version: Option<String>,
    pub release_date: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SystemInfo {
    pub manufacturer: Option<String>,
    pub product: Option<String>,
    pub version: Option<String>,
    pub serial: Option<String>,
    pub uuid: Option<String>,
    pub sku: Option<String>,
    pub family: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct BaseboardInfo {
    pub manufacturer: Option<String>,
    pub product: Option<String>,
    pub version: Option<String>,
    pub serial: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct ChassisInfo {
    pub manufacturer: Option<String>,
    /// Chassis type as text ("Rack Mount Chassis").
    pub kind: Option<String>,
    pub serial: Option<String>,
    pub asset_tag: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct ProcessorSocket {
    pub socket: Option<String>,
    /// A CPU sits in the socket (status byte bit 6).
    pub populated: bool,
    /// Status text: "enabled", "disabled by user (BIOS setup)", ...
    pub status: Option<String>,
    pub manufacturer: Option<String>,
    /// The version string, usually the brand ("Intel(R) Xeon(R) CPU E5-2670").
    pub version: Option<String>,
    pub max_speed_mhz: Option<u16>,
    pub current_speed_mhz: Option<u16>,
    /// Cores in the package, cores enabled by firmware, threads enabled.
    pub core_count: Option<u16>,
    pub core_enabled: Option<u16>,
    pub thread_count: Option<u16>,
    /// Characteristics word (SMBIOS 2.5+), decoded.
    pub is_64bit_capable: Option<bool>,
    pub hardware_thread: Option<bool>,
    pub execute_protection: Option<bool>,
    pub enhanced_virtualization: Option<bool>,
    /// Processor ID field: CPUID leaf 1 EAX (signature) and EDX (features).
    pub cpuid_signature: Option<u32>,
    pub cpuid_edx: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct MemoryArray {
    /// "System Memory", "Video Memory", ...
    pub usage: Option<String>,
    /// "Single-bit ECC", "Multi-bit ECC", "None", ...
    pub error_correction: Option<String>,
    pub max_capacity_bytes: Option<u64>,
    pub slots: Option<u16>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct MemoryDevice {
    pub locator: Option<String>,
    pub bank: Option<String>,
    /// `None` when the slot is empty or the size is unknown.
    pub size_bytes: Option<u64>,
    /// "DDR3", "DDR2 FB-DIMM", ...
    pub memory_type: Option<String>,
    pub speed_mts: Option<u32>,
    pub manufacturer: Option<String>,
    pub part_number: Option<String>,
}

impl SmbiosFacts {
    /// Installed memory as the firmware reports it, summing type 17.
    pub fn installed_memory_bytes(&self) -> Option<u64> {
        let sizes: Vec<u64> = self
            .memory_devices
            .iter()
            .filter_map(|d| d.size_bytes)
            .collect();
        (!sizes.is_empty()).then(|| sizes.iter().sum())
    }

    /// Nothing was decoded: no structure this tool reads was found.
    pub fn is_empty(&self) -> bool {
        self.bios.is_none()
            && self.system.is_none()
            && self.baseboard.is_none()
            && self.chassis.is_none()
            && self.processors.is_empty()
            && self.memory_arrays.is_empty()
            && self.memory_devices.is_empty()
    }

    pub fn populated_sockets(&self) -> usize {
        self.processors.iter().filter(|p| p.populated).count()
    }
}
