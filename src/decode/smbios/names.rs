//! SMBIOS enumerations as text, worded as dmidecode prints them, so a user
//! can compare a report with `dmidecode` output line by line. "Unknown"
//! values become `None`: they say nothing.

/// Type 3 offset 05h, bits 6:0 (bit 7 is the lock flag).
pub fn chassis_type(raw: u8) -> Option<&'static str> {
    Some(match raw & 0x7F {
        0x01 => "Other",
        0x03 => "Desktop",
        0x04 => "Low Profile Desktop",
        0x05 => "Pizza Box",
        0x06 => "Mini Tower",
        0x07 => "Tower",
        0x08 => "Portable",
        0x09 => "Laptop",
        0x0A => "Notebook",
        0x0B => "Hand Held",
        0x0C => "Docking Station",
        0x0D => "All In One",
        0x0E => "Sub Notebook",
        0x0F => "Space-saving",
        0x10 => "Lunch Box",
        0x11 => "Main Server Chassis",
        0x12 => "Expansion Chassis",
        0x13 => "Sub Chassis",
        0x14 => "Bus Expansion Chassis",
        0x15 => "Peripheral Chassis",
        0x16 => "RAID Chassis",
        0x17 => "Rack Mount Chassis",
        0x18 => "Sealed-case PC",
        0x19 => "Multi-system",
        0x1A => "CompactPCI",
        0x1B => "AdvancedTCA",
        0x1C => "Blade",
        0x1D => "Blade Enclosing",
        0x1E => "Tablet",
        0x1F => "Convertible",
        0x20 => "Detachable",
        0x21 => "IoT Gateway",
        0x22 => "Embedded PC",
        0x23 => "Mini PC",
        0x24 => "Stick PC",
        _ => return None,
    })
}

/// Type 17 offset 12h.
pub fn memory_type(raw: u8) -> Option<&'static str> {
    Some(match raw {
        0x01 => "Other",
        0x03 => "DRAM",
        0x04 => "EDRAM",
        0x05 => "VRAM",
        0x06 => "SRAM",
        0x07 => "RAM",
        0x08 => "ROM",
        0x09 => "Flash",
        0x0A => "EEPROM",
        0x0B => "FEPROM",
        0x0C => "EPROM",
        0x0D => "CDRAM",
        0x0E => "3DRAM",
        0x0F => "SDRAM",
        0x10 => "SGRAM",
        0x11 => "RDRAM",
        0x12 => "DDR",
        0x13 => "DDR2",
        0x14 => "DDR2 FB-DIMM",
        0x18 => "DDR3",
        0x19 => "FBD2",
        0x1A => "DDR4",
        0x1B => "LPDDR",
        0x1C => "LPDDR2",
        0x1D => "LPDDR3",
        0x1E => "LPDDR4",
        0x1F => "Logical non-volatile device",
        0x20 => "HBM",
        0x21 => "HBM2",
        0x22 => "DDR5",
        0x23 => "LPDDR5",
        0x24 => "HBM3",
        _ => return None,
    })
}

/// Type 16 offset 05h.
pub fn array_use(raw: u8) -> Option<&'static str> {
    Some(match raw {
        0x01 => "Other",
        0x03 => "System Memory",
        0x04 => "Video Memory",
        0x05 => "Flash Memory",
        0x06 => "Non-volatile RAM",
        0x07 => "Cache Memory",
        _ => return None,
    })
}

/// Type 16 offset 06h.
pub fn error_correction(raw: u8) -> Option<&'static str> {
    Some(match raw {
        0x01 => "Other",
        0x03 => "None",
        0x04 => "Parity",
        0x05 => "Single-bit ECC",
        0x06 => "Multi-bit ECC",
        0x07 => "CRC",
        _ => return None,
    })
}

/// Type 4 offset 18h: bit 6 says a CPU sits in the socket, bits 2:0 what
/// the firmware did with it.
pub fn cpu_status(raw: u8) -> &'static str {
    if raw & 0x40 == 0 {
        return "unpopulated";
    }
    match raw & 0x07 {
        0x01 => "enabled",
        0x02 => "disabled by user (BIOS setup)",
        0x03 => "disabled by BIOS (POST error)",
        0x04 => "idle",
        0x07 => "other",
        0x00 => "unknown",
        _ => "reserved",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_values_like_dmidecode() {
        assert_eq!(chassis_type(0x17), Some("Rack Mount Chassis"));
        // Bit 7 is the chassis lock, not part of the type.
        assert_eq!(chassis_type(0x97), Some("Rack Mount Chassis"));
        assert_eq!(chassis_type(0x02), None);
        assert_eq!(memory_type(0x18), Some("DDR3"));
        assert_eq!(memory_type(0x02), None);
        assert_eq!(error_correction(0x06), Some("Multi-bit ECC"));
        assert_eq!(array_use(0x03), Some("System Memory"));
        assert_eq!(cpu_status(0x41), "enabled");
        assert_eq!(cpu_status(0x42), "disabled by user (BIOS setup)");
        assert_eq!(cpu_status(0x01), "unpopulated");
    }
}
