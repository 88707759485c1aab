//! Memory: physical arrays (type 16) and the devices in their slots
//! (type 17).

use super::names;
use crate::facts::{MemoryArray, MemoryDevice};
use crate::formats::smbios::strings::field;
use smbioslib::{
    MaximumMemoryCapacity, MemorySize, MemorySizeExtended, MemorySpeed, MemorySpeedExtended,
    SMBiosMemoryDevice, SMBiosPhysicalMemoryArray,
};

const KIB: u64 = 1024;
const MIB: u64 = 1024 * 1024;

pub fn array(s: &SMBiosPhysicalMemoryArray<'_>) -> MemoryArray {
    MemoryArray {
        usage: s
            .usage()
            .and_then(|u| names::array_use(u.raw))
            .map(str::to_string),
        error_correction: s
            .memory_error_correction()
            .and_then(|e| names::error_correction(e.raw))
            .map(str::to_string),
        max_capacity_bytes: max_capacity(s),
        slots: s.number_of_memory_devices(),
    }
}

fn max_capacity(s: &SMBiosPhysicalMemoryArray<'_>) -> Option<u64> {
    match s.maximum_capacity()? {
        // 2.7 and later: 8000_0000h points at the 64-bit byte count.
        MaximumMemoryCapacity::SeeExtendedMaximumCapacity => {
            s.extended_maximum_capacity().filter(|&bytes| bytes != 0)
        }
        MaximumMemoryCapacity::Kilobytes(0) => None,
        MaximumMemoryCapacity::Kilobytes(kib) => Some(u64::from(kib) * KIB),
    }
}

pub fn device(s: &SMBiosMemoryDevice<'_>) -> MemoryDevice {
    let size = s.size();
    let installed = !matches!(size, Some(MemorySize::NotInstalled) | None);
    let mut device = MemoryDevice {
        locator: field(s.device_locator()),
        bank: field(s.bank_locator()),
        size_bytes: size.and_then(|size| size_bytes(size, s.extended_size())),
        ..MemoryDevice::default()
    };
    // An empty slot's type, speed and part fields describe no module.
    if installed {
        device.memory_type = s
            .memory_type()
            .and_then(|t| names::memory_type(t.raw))
            .map(str::to_string);
        device.speed_mts = speed(s);
        device.manufacturer = field(s.manufacturer());
        device.part_number = field(s.part_number());
    }
    device
}

/// The size word is MiB, or KiB when bit 15 is set; 7FFFh means "32 GiB or
/// more, see the extended size" (MiB, SMBIOS 2.7 and later).
fn size_bytes(size: MemorySize, extended: Option<MemorySizeExtended>) -> Option<u64> {
    match size {
        MemorySize::Megabytes(mib) => Some(u64::from(mib) * MIB),
        MemorySize::Kilobytes(kib) => Some(u64::from(kib) * KIB),
        MemorySize::SeeExtendedSize => match extended? {
            MemorySizeExtended::Megabytes(mib) => Some(u64::from(mib) * MIB),
            MemorySizeExtended::SeeSize => None,
        },
        MemorySize::NotInstalled | MemorySize::Unknown => None,
    }
}

fn speed(s: &SMBiosMemoryDevice<'_>) -> Option<u32> {
    match s.speed()? {
        MemorySpeed::MTs(mts) => Some(u32::from(mts)),
        MemorySpeed::SeeExtendedSpeed => match s.extended_speed()? {
            MemorySpeedExtended::MTs(mts) => Some(mts),
            MemorySpeedExtended::SeeSpeed => None,
        },
        MemorySpeed::Unknown => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_the_size_granularity_rules() {
        assert_eq!(size_bytes(MemorySize::from(0x4000), None), Some(16 << 30));
        // Bit 15 set: KiB.
        assert_eq!(size_bytes(MemorySize::from(0x8100), None), Some(256 << 10));
        assert_eq!(
            size_bytes(
                MemorySize::from(0x7FFF),
                Some(MemorySizeExtended::from(0x8000))
            ),
            Some(32 << 30)
        );
        assert_eq!(size_bytes(MemorySize::from(0x7FFF), None), None);
        assert_eq!(size_bytes(MemorySize::from(0), None), None);
        assert_eq!(size_bytes(MemorySize::from(0xFFFF), None), None);
    }
}
