//! Values as dmidecode prints them → numbers and cleaned strings. The
//! placeholder list ("To Be Filled By O.E.M." ...) is the binary SMBIOS
//! decoder's, so both forms of one machine decode alike.

/// Trims `raw` and drops it when it is empty, a placeholder, or one of
/// dmidecode's `<OUT OF SPEC>` / `<BAD INDEX>` markers.
pub fn clean(raw: &str) -> Option<String> {
    let text = raw.trim();
    let marker = text.starts_with('<') && text.ends_with('>');
    if marker {
        return None;
    }
    crate::formats::smbios::strings::clean(text)
}

/// Leading decimal number of `3600 MHz`, `667 MHz (1.5 ns)`, `1333 MT/s`.
pub fn leading_number(text: &str) -> Option<u64> {
    let digits: &str = text
        .trim()
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .filter(|d| !d.is_empty())?;
    digits.parse().ok()
}

/// `2048 MB`, `1 GB`, `512 kB`, `2 TB` → bytes. `No Module Installed`,
/// `Unknown` and anything else → `None`.
pub fn size_bytes(text: &str) -> Option<u64> {
    let mut words = text.split_whitespace();
    let number: u64 = words.next()?.parse().ok()?;
    let shift = match words.next()? {
        "bytes" => 0,
        "kB" | "KB" => 10,
        "MB" => 20,
        "GB" => 30,
        "TB" => 40,
        _ => return None,
    };
    if number == 0 {
        return None;
    }
    number.checked_mul(1u64 << shift)
}

/// `ID: 41 0F 00 00 FF FB EB BF`: CPUID leaf 1 EAX then EDX, little-endian.
/// All zeros is the "no ID" filler of empty sockets and non-x86 firmware.
pub fn processor_id(text: &str) -> Option<(u32, u32)> {
    let mut bytes = [0u8; 8];
    let mut count = 0;
    for word in text.split_whitespace() {
        let slot = bytes.get_mut(count)?;
        if word.len() != 2 {
            return None;
        }
        *slot = u8::from_str_radix(word, 16).ok()?;
        count += 1;
    }
    if count != 8 || bytes.iter().all(|&b| b == 0) {
        return None;
    }
    let eax = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let edx = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
    Some((eax, edx))
}

/// How a `Signature:` line writes its numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureStyle {
    /// dmidecode before 2.6: the raw nibbles of EAX in hex, `Family F`.
    RawHex,
    /// 2.6 and later: decimal, extended family and model folded in, as
    /// Linux prints them (`Family 6, Model 23`).
    Composite,
}

/// `Type 0, Family 15, Model 4, Stepping 1` (Intel) or `Family 16, Model
/// 9, Stepping 1` (AMD, no type) → CPUID leaf 1 EAX.
pub fn signature(text: &str, style: SignatureStyle) -> Option<u32> {
    let (mut kind, mut family, mut model, mut stepping) = (None, None, None, None);
    let radix = match style {
        SignatureStyle::RawHex => 16,
        SignatureStyle::Composite => 10,
    };
    for part in text.split(',') {
        let (name, number) = part.trim().split_once(' ')?;
        let number = u32::from_str_radix(number.trim(), radix).ok()?;
        match name {
            "Type" => kind = Some(number),
            "Family" => family = Some(number),
            "Model" => model = Some(number),
            "Stepping" => stepping = Some(number),
            _ => return None,
        }
    }
    let (family, model, stepping) = (family?, model?, stepping?);
    let kind = kind.unwrap_or(0);
    if kind > 3 || stepping > 0xF {
        return None;
    }
    let (base_family, ext_family, base_model, ext_model) = match style {
        SignatureStyle::RawHex => {
            if family > 0xF || model > 0xF {
                return None;
            }
            (family, 0, model, 0)
        }
        SignatureStyle::Composite => {
            if family > 0xF + 0xFF || model > 0xFF {
                return None;
            }
            let (base_family, ext_family) = if family >= 0xF {
                (0xF, family - 0xF)
            } else {
                (family, 0)
            };
            // The extended model counts for Intel families 6 and 15 and
            // for AMD family 15 and later; elsewhere a model above 15
            // cannot be written.
            if model > 0xF && !(base_family == 0xF || base_family == 6) {
                return None;
            }
            (base_family, ext_family, model & 0xF, model >> 4)
        }
    };
    Some(
        (ext_family << 20)
            | (ext_model << 16)
            | (kind << 12)
            | (base_family << 8)
            | (base_model << 4)
            | stepping,
    )
}

/// The bits of EAX a `Signature:` line shows, so that the line can be
/// checked against the ID bytes: the raw style shows no extended fields,
/// and the AMD style (no `Type`) adds them only to base family 15.
pub fn signature_bits(line: &str, style: SignatureStyle, eax: u32) -> u32 {
    match style {
        SignatureStyle::RawHex => 0x0000_3FFF,
        SignatureStyle::Composite if line.contains("Type ") => 0x0FFF_3FFF,
        SignatureStyle::Composite if (eax >> 8) & 0xF == 0xF => 0x0FFF_0FFF,
        SignatureStyle::Composite => 0x0000_0FFF,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_placeholders_and_markers() {
        assert_eq!(
            clean("  PowerEdge 750   ").as_deref(),
            Some("PowerEdge 750")
        );
        for text in ["", "Not Specified", "<OUT OF SPEC>", "--", "Not Settable"] {
            assert_eq!(clean(text), None, "{text:?}");
        }
    }

    #[test]
    fn reads_sizes_and_speeds() {
        assert_eq!(size_bytes("2048 MB"), Some(2048 << 20));
        assert_eq!(size_bytes("1 GB"), Some(1 << 30));
        assert_eq!(size_bytes("512 kB"), Some(512 << 10));
        assert_eq!(size_bytes("No Module Installed"), None);
        assert_eq!(size_bytes("0 MB"), None);
        assert_eq!(size_bytes("99999999999999 TB"), None);
        assert_eq!(leading_number("667 MHz (1.5 ns)"), Some(667));
        assert_eq!(leading_number("1333 MT/s"), Some(1333));
        assert_eq!(leading_number("Unknown"), None);
    }

    #[test]
    fn reads_the_processor_id_little_endian() {
        assert_eq!(
            processor_id("41 0F 00 00 FF FB EB BF"),
            Some((0x0000_0F41, 0xBFEB_FBFF))
        );
        assert_eq!(processor_id("00 00 00 00 00 00 00 00"), None);
        assert_eq!(processor_id("41 0F 00"), None);
        assert_eq!(processor_id("41 0F 00 00 FF FB EB BF 00"), None);
    }

    #[test]
    fn rebuilds_eax_from_either_signature_style() {
        use SignatureStyle::*;
        let raw = signature("Type 0, Family F, Model 4, Stepping A", RawHex);
        assert_eq!(raw, Some(0x0F4A));
        let netburst = signature("Type 0, Family 15, Model 4, Stepping 1", Composite);
        assert_eq!(netburst, Some(0x0F41));
        let penryn = signature("Type 0, Family 6, Model 23, Stepping 6", Composite);
        assert_eq!(penryn, Some(0x0001_0676));
        let k10 = signature("Family 16, Model 9, Stepping 1", Composite);
        assert_eq!(k10, Some(0x0010_0F91));
        let k8 = signature("Family 15, Model 65, Stepping 3", Composite);
        assert_eq!(k8, Some(0x0004_0F13));
        assert_eq!(signature("Family 5, Model 20, Stepping 1", Composite), None);
        assert_eq!(signature("Family x", Composite), None);
    }
}
