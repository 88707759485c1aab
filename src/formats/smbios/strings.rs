//! Firmware strings: trimmed, and `None` when they are a placeholder the
//! vendor never filled in, so checks and reports never show
//! "To Be Filled By O.E.M." as if it were a serial number.

/// Texts that firmware ships in unfilled fields, compared ignoring case.
const PLACEHOLDERS: &[&str] = &[
    "Not Specified",
    "Not Applicable",
    "Not Available",
    "Not Present",
    "Not Provided",
    "Not Defined",
    "No Asset Tag",
    "No Asset Information",
    "To Be Filled By O.E.M.",
    "To Be Filled By O.E.M",
    "Default string",
    "$(DEFAULT_STRING)",
    "0123456789",
    "1234567890",
    "System Serial Number",
    "System Product Name",
    "System Version",
    "System manufacturer",
    "Base Board Serial Number",
    "Chassis Serial Number",
    "None",
    "N/A",
    "Unknown",
    "Empty",
    "NO DIMM",
    "Not Settable",
    "Not Installed",
    "System Manufacturer",
    "System Name",
    "--",
];

/// `--redact` overwrites an identifier with as many `X`s as it had bytes,
/// so a redacted serial reads as "no serial", not as a serial shared by
/// every redacted machine (`compare` would merge them).
pub fn is_filler(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b == b'X')
}

/// Trims `raw` and drops it when it is empty or a placeholder.
pub fn clean(raw: &str) -> Option<String> {
    let text = raw.trim();
    let placeholder = text.is_empty() || PLACEHOLDERS.iter().any(|p| p.eq_ignore_ascii_case(text));
    (!(placeholder || is_filler(text))).then(|| text.to_string())
}

/// An SMBIOS string field, decoded leniently: old firmware writes Latin-1
/// and the odd stray byte, which must not cost the whole field.
pub fn field(value: smbioslib::SMBiosString) -> Option<String> {
    value.to_utf8_lossy().as_deref().and_then(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_real_strings_trimmed() {
        assert_eq!(clean("  Dell Inc.  ").as_deref(), Some("Dell Inc."));
        assert_eq!(clean("1.0       ").as_deref(), Some("1.0"));
        assert_eq!(clean("790H8D2").as_deref(), Some("790H8D2"));
    }

    #[test]
    fn drops_placeholders_and_blanks() {
        for text in [
            "",
            "   ",
            "Not Specified",
            "To be filled by O.E.M.",
            "To Be Filled By O.E.M.",
            "Default string",
            "0123456789",
            "System Serial Number",
            " None ",
        ] {
            assert_eq!(clean(text), None, "{text:?}");
        }
    }
}
