//! SMBIOS entry points: the 32-bit `_SM_`, the 64-bit `_SM3_` and the
//! legacy `_DMI_` anchor. They carry the version and the table's announced
//! size, which is how a cut table is told from a complete one.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// `_SM_`, SMBIOS 2.1 to 2.x (and 3.x firmware that keeps a 32-bit one).
    Smbios2,
    /// `_SM3_`, SMBIOS 3.0 and later.
    Smbios3,
    /// `_DMI_` on its own: DMI 2.0 era firmware.
    Legacy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryPoint {
    pub kind: EntryKind,
    /// Bytes the entry point occupies.
    pub length: usize,
    pub major: u8,
    pub minor: u8,
    /// SMBIOS 3.x document revision (the third part of "3.1.1").
    pub docrev: Option<u8>,
    /// Where the firmware put the table; `dmidecode --dump-bin` rewrites it
    /// to 0x20, the table's offset in the dump.
    pub table_address: u64,
    /// 2.x: the exact table length. 3.x: an upper bound only.
    pub table_length: u32,
    /// 2.x only: how many structures the table holds.
    pub structure_count: Option<u16>,
    /// Every checksum the entry point carries adds up to zero.
    pub checksum_ok: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("no SMBIOS entry point anchor (_SM_, _SM3_ or _DMI_)")]
    NoAnchor,
    #[error("the {anchor} entry point is {have} bytes long, it needs {need}")]
    TooShort {
        anchor: &'static str,
        need: usize,
        have: usize,
    },
}

const SM2_MIN_LEN: usize = 0x1E;
const SM3_MIN_LEN: usize = 0x18;
const LEGACY_LEN: usize = 0x0F;

pub fn parse(bytes: &[u8]) -> Result<EntryPoint, EntryError> {
    if bytes.starts_with(b"_SM3_") {
        parse_sm3(bytes)
    } else if bytes.starts_with(b"_SM_") {
        parse_sm2(bytes)
    } else if bytes.starts_with(b"_DMI_") {
        parse_legacy(bytes)
    } else {
        Err(EntryError::NoAnchor)
    }
}

impl EntryPoint {
    /// The version the way dmidecode reports it, including its fix-ups for
    /// firmware that wrote the 2.3 and 2.6 versions wrongly.
    pub fn version(&self) -> (u8, u8) {
        match (self.kind, self.major, self.minor) {
            (EntryKind::Smbios2, 2, 31) | (EntryKind::Smbios2, 2, 33) => (2, 3),
            (EntryKind::Smbios2, 2, 51) => (2, 6),
            (_, major, minor) => (major, minor),
        }
    }

    /// "2.7" or "3.1.1".
    pub fn version_text(&self) -> String {
        let (major, minor) = self.version();
        match self.docrev {
            Some(docrev) => format!("{major}.{minor}.{docrev}"),
            None => format!("{major}.{minor}"),
        }
    }

    pub fn anchor(&self) -> &'static str {
        match self.kind {
            EntryKind::Smbios2 => "_SM_",
            EntryKind::Smbios3 => "_SM3_",
            EntryKind::Legacy => "_DMI_",
        }
    }
}

fn parse_sm2(bytes: &[u8]) -> Result<EntryPoint, EntryError> {
    let too_short = || EntryError::TooShort {
        anchor: "_SM_",
        need: SM2_MIN_LEN,
        have: bytes.len(),
    };
    // The length byte may say 0x1E (an erratum of the 2.1 spec) or 0x1F.
    let declared = usize::from(byte(bytes, 0x05).ok_or_else(too_short)?);
    let length = declared.clamp(SM2_MIN_LEN, 0x1F).min(bytes.len());
    let ep = bytes
        .get(..length)
        .filter(|ep| ep.len() >= SM2_MIN_LEN)
        .ok_or_else(too_short)?;
    let intermediate = ep.get(0x10..length).unwrap_or_default();
    Ok(EntryPoint {
        kind: EntryKind::Smbios2,
        length,
        major: byte(ep, 0x06).unwrap_or_default(),
        minor: byte(ep, 0x07).unwrap_or_default(),
        docrev: None,
        table_address: u64::from(dword(ep, 0x18).unwrap_or_default()),
        table_length: u32::from(word(ep, 0x16).unwrap_or_default()),
        structure_count: word(ep, 0x1C),
        checksum_ok: sums_to_zero(ep)
            && intermediate.starts_with(b"_DMI_")
            && sums_to_zero(intermediate),
    })
}

fn parse_sm3(bytes: &[u8]) -> Result<EntryPoint, EntryError> {
    let ep = bytes.get(..SM3_MIN_LEN).ok_or(EntryError::TooShort {
        anchor: "_SM3_",
        need: SM3_MIN_LEN,
        have: bytes.len(),
    })?;
    // A later revision may grow the entry point; its checksum covers what
    // the length byte says, as far as the bytes go.
    let declared = usize::from(byte(ep, 0x06).unwrap_or_default());
    let length = declared.clamp(SM3_MIN_LEN, bytes.len().clamp(SM3_MIN_LEN, 0x20));
    let checked = bytes.get(..length).unwrap_or(ep);
    Ok(EntryPoint {
        kind: EntryKind::Smbios3,
        length,
        major: byte(ep, 0x07).unwrap_or_default(),
        minor: byte(ep, 0x08).unwrap_or_default(),
        docrev: byte(ep, 0x09),
        table_address: qword(ep, 0x10).unwrap_or_default(),
        table_length: dword(ep, 0x0C).unwrap_or_default(),
        structure_count: None,
        checksum_ok: sums_to_zero(checked),
    })
}

fn parse_legacy(bytes: &[u8]) -> Result<EntryPoint, EntryError> {
    let ep = bytes.get(..LEGACY_LEN).ok_or(EntryError::TooShort {
        anchor: "_DMI_",
        need: LEGACY_LEN,
        have: bytes.len(),
    })?;
    // The version is one BCD byte: 0x21 is 2.1.
    let bcd = byte(ep, 0x0E).unwrap_or_default();
    Ok(EntryPoint {
        kind: EntryKind::Legacy,
        length: LEGACY_LEN,
        major: bcd >> 4,
        minor: bcd & 0x0F,
        docrev: None,
        table_address: u64::from(dword(ep, 0x08).unwrap_or_default()),
        table_length: u32::from(word(ep, 0x06).unwrap_or_default()),
        structure_count: word(ep, 0x0C),
        checksum_ok: sums_to_zero(ep),
    })
}

fn sums_to_zero(bytes: &[u8]) -> bool {
    bytes.iter().fold(0u8, |sum, &b| sum.wrapping_add(b)) == 0
}

fn byte(bytes: &[u8], offset: usize) -> Option<u8> {
    bytes.get(offset).copied()
}

fn word(bytes: &[u8], offset: usize) -> Option<u16> {
    let b = bytes.get(offset..offset + 2)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

fn dword(bytes: &[u8], offset: usize) -> Option<u32> {
    let b = bytes.get(offset..offset + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn qword(bytes: &[u8], offset: usize) -> Option<u64> {
    let lo = dword(bytes, offset)?;
    let hi = dword(bytes, offset + 4)?;
    Some(u64::from(lo) | (u64::from(hi) << 32))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        crate::test_support::fixture_bytes(&format!("smbios-bin/{name}"))
    }

    #[test]
    fn reads_a_real_32_bit_entry_point() {
        let ep = parse(&fixture("rust-dmidecode/entry.bin")).unwrap();
        assert_eq!(ep.kind, EntryKind::Smbios2);
        assert_eq!(ep.version_text(), "2.7");
        assert_eq!(ep.length, 31);
        assert!(ep.checksum_ok);
        assert_eq!(ep.table_length, 0x0AB0);
        assert_eq!(ep.structure_count, Some(0x45));
    }

    #[test]
    fn reads_a_real_64_bit_entry_point() {
        let ep = parse(&fixture("rust-dmidecode/entry_v3.bin")).unwrap();
        assert_eq!(ep.kind, EntryKind::Smbios3);
        assert_eq!(ep.version_text(), "3.0.0");
        assert!(ep.checksum_ok);
        assert_eq!(ep.table_length, 0x1595);
        assert_eq!(ep.structure_count, None);
    }

    #[test]
    fn reads_the_entry_point_of_a_dump_bin_file() {
        let dump = fixture("u-root/GigaByte-X399.bin");
        let ep = parse(&dump).unwrap();
        assert_eq!(ep.version_text(), "3.1.1");
        assert_eq!(ep.table_address, 0x20);
        assert!(ep.checksum_ok);
    }

    #[test]
    fn flags_a_bad_checksum_but_still_reads_the_version() {
        let mut bytes = fixture("rust-dmidecode/entry.bin");
        bytes[0x04] ^= 0x55;
        let ep = parse(&bytes).unwrap();
        assert!(!ep.checksum_ok);
        assert_eq!(ep.version(), (2, 7));
    }

    #[test]
    fn rejects_short_and_foreign_bytes_without_panicking() {
        let entry = fixture("rust-dmidecode/entry_v3.bin");
        for len in 0..entry.len() {
            assert!(parse(&entry[..len]).is_err(), "prefix {len}");
        }
        let entry = fixture("rust-dmidecode/entry.bin");
        for len in 0..SM2_MIN_LEN {
            assert!(parse(&entry[..len]).is_err(), "prefix {len}");
        }
        assert_eq!(parse(b"{\"Version\": 3}"), Err(EntryError::NoAnchor));
    }

    #[test]
    fn applies_dmidecodes_version_fixups() {
        let mut ep = parse(&fixture("rust-dmidecode/entry.bin")).unwrap();
        ep.minor = 33;
        assert_eq!(ep.version(), (2, 3));
        ep.minor = 51;
        assert_eq!(ep.version(), (2, 6));
    }
}
