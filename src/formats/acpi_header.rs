//! The 36-byte header every ACPI system description table starts with,
//! and checked little-endian reads for the table bodies.

/// Length of the standard SDT header.
pub const HEADER_LEN: usize = 36;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("{0} bytes, shorter than the 36-byte ACPI table header")]
    Short(usize),
    #[error("signature bytes {0:02x?} are not an ACPI table name")]
    BadSignature([u8; 4]),
    #[error("header length {declared} is below the 36-byte header")]
    LengthTooSmall { declared: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SdtHeader {
    pub signature: [u8; 4],
    /// The table length the header declares, header included.
    pub length: u32,
    pub revision: u8,
}

impl SdtHeader {
    pub fn parse(bytes: &[u8]) -> Result<SdtHeader, HeaderError> {
        let short = HeaderError::Short(bytes.len());
        if bytes.len() < HEADER_LEN {
            return Err(short);
        }
        let signature = signature_at(bytes, 0).ok_or(short)?;
        if !signature.iter().all(|&b| is_name_byte(b)) {
            return Err(HeaderError::BadSignature(signature));
        }
        let length = le_u32(bytes, 4).ok_or(short)?;
        if (length as usize) < HEADER_LEN {
            return Err(HeaderError::LengthTooSmall { declared: length });
        }
        Ok(SdtHeader {
            signature,
            length,
            revision: le_u8(bytes, 8).ok_or(short)?,
        })
    }

    pub fn signature_str(&self) -> String {
        self.signature.iter().map(|&b| b as char).collect()
    }
}

/// Characters ACPI allows in a table name (`acpi_ut_valid_name_char`,
/// widened to lower case, which a few OEM tables use).
pub fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'!'
}

/// The 4 bytes at `offset` when all are name characters.
pub fn name_at(bytes: &[u8], offset: usize) -> Option<String> {
    let sig = signature_at(bytes, offset)?;
    sig.iter()
        .all(|&b| is_name_byte(b))
        .then(|| sig.iter().map(|&b| b as char).collect())
}

fn signature_at(bytes: &[u8], offset: usize) -> Option<[u8; 4]> {
    bytes.get(offset..offset.checked_add(4)?)?.try_into().ok()
}

/// ACPI tables sum to zero modulo 256 over their declared length.
pub fn checksum_ok(table: &[u8]) -> bool {
    table.iter().fold(0u8, |sum, &b| sum.wrapping_add(b)) == 0
}

pub fn le_u8(bytes: &[u8], offset: usize) -> Option<u8> {
    bytes.get(offset).copied()
}

pub fn le_u16(bytes: &[u8], offset: usize) -> Option<u16> {
    let raw = bytes.get(offset..offset.checked_add(2)?)?;
    Some(u16::from_le_bytes(raw.try_into().ok()?))
}

pub fn le_u32(bytes: &[u8], offset: usize) -> Option<u32> {
    let raw = bytes.get(offset..offset.checked_add(4)?)?;
    Some(u32::from_le_bytes(raw.try_into().ok()?))
}

pub fn le_u64(bytes: &[u8], offset: usize) -> Option<u64> {
    let raw = bytes.get(offset..offset.checked_add(8)?)?;
    Some(u64::from_le_bytes(raw.try_into().ok()?))
}

/// A table body as its header declares it, and how the bytes at hand
/// disagree with that: the table to decode is never longer than either.
pub struct Body<'a> {
    pub table: &'a [u8],
    pub header: SdtHeader,
    /// Fewer bytes than the header declares.
    pub truncated: bool,
    /// Bytes beyond the declared length (a padded file).
    pub trailing: usize,
    pub checksum_ok: bool,
}

pub fn body(bytes: &[u8]) -> Result<Body<'_>, HeaderError> {
    let header = SdtHeader::parse(bytes)?;
    let declared = header.length as usize;
    let table = bytes.get(..declared).unwrap_or(bytes);
    Ok(Body {
        table,
        header,
        truncated: bytes.len() < declared,
        trailing: bytes.len().saturating_sub(declared),
        checksum_ok: bytes.len() >= declared && checksum_ok(table),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounded() {
        let bytes = [1u8, 2, 3];
        assert_eq!(le_u16(&bytes, 1), Some(0x0302));
        assert_eq!(le_u16(&bytes, 2), None);
        assert_eq!(le_u32(&bytes, 0), None);
        assert_eq!(le_u64(&bytes, usize::MAX), None);
        assert_eq!(le_u8(&bytes, 3), None);
    }

    #[test]
    fn header_rejects_short_and_nameless_input() {
        assert_eq!(SdtHeader::parse(&[0; 10]), Err(HeaderError::Short(10)));
        let mut table = [0u8; 36];
        table[..4].copy_from_slice(b"DM\x1bR");
        assert!(matches!(
            SdtHeader::parse(&table),
            Err(HeaderError::BadSignature(_))
        ));
        table[..4].copy_from_slice(b"DMAR");
        table[4] = 8;
        assert_eq!(
            SdtHeader::parse(&table),
            Err(HeaderError::LengthTooSmall { declared: 8 })
        );
    }
}
