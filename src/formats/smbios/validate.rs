//! One verdict on a captured SMBIOS table, shared by the collector, the
//! importer and the decoder so that a live scan, an import and a replayed
//! bundle describe the same bytes in the same words.

use super::entry::{self, EntryKind, EntryPoint};
use super::walk::{walk, TableWalk};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    pub major: u8,
    pub minor: u8,
    pub docrev: Option<u8>,
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.docrev {
            Some(docrev) => write!(f, "{}.{}.{docrev}", self.major, self.minor),
            None => write!(f, "{}.{}", self.major, self.minor),
        }
    }
}

/// How much of the table a capture holds; the source record's status is
/// derived from it (`evidence` maps it), so this layer needs no Evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completeness {
    /// Every structure the capture announced is there.
    Whole,
    /// Some structures decode, but the table is cut or broken after them.
    Partial,
    /// Not one structure decodes.
    Unusable,
}

/// The three pieces a capture may hold, as bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Capture<'a> {
    pub entry_point: Option<&'a [u8]>,
    pub rsmb_header: Option<&'a [u8]>,
    pub table: &'a [u8],
}

#[derive(Debug, Clone, PartialEq)]
pub struct Validation {
    pub version: Option<Version>,
    pub walk: TableWalk,
    /// What the "smbios" source record should say.
    pub status: Completeness,
    pub detail: String,
    /// Oddities that leave the table usable (a bad checksum), for decode notes.
    pub notes: Vec<String>,
}

/// What the capture itself says about the table's size.
enum Announced {
    /// Nothing: a bare table.
    Nothing,
    /// 2.x entry points and the RSMB header give the exact size.
    Exact { length: u32, count: Option<u16> },
    /// A 3.x entry point gives only an upper bound.
    AtMost(u32),
}

pub fn validate(capture: Capture<'_>) -> Validation {
    let mut notes = Vec::new();
    let table = capture.table;
    let walk = walk(table);

    let entry = capture
        .entry_point
        .and_then(|bytes| match entry::parse(bytes) {
            Ok(ep) => Some(ep),
            Err(e) => {
                notes.push(format!(
                    "entry point unreadable ({e}); SMBIOS version unknown"
                ));
                None
            }
        });
    let rsmb = capture.rsmb_header.and_then(RsmbHeader::parse);
    if capture.rsmb_header.is_some() && rsmb.is_none() {
        notes.push("RSMB header shorter than 8 bytes; SMBIOS version unknown".into());
    }

    let (version, announced) = match (entry, rsmb) {
        (Some(ep), _) => {
            if !ep.checksum_ok {
                notes.push(format!(
                    "the {} entry point checksum is wrong; using its version {} anyway",
                    ep.anchor(),
                    ep.version_text()
                ));
            }
            (Some(entry_version(&ep)), announced_by(&ep))
        }
        (None, Some(h)) => (
            Some(Version {
                major: h.major,
                minor: h.minor,
                docrev: None,
            }),
            Announced::Exact {
                length: h.length,
                count: None,
            },
        ),
        (None, None) => (None, Announced::Nothing),
    };

    let (status, detail) = verdict(table.len(), &walk, &announced, version);
    Validation {
        version,
        walk,
        status,
        detail,
        notes,
    }
}

fn entry_version(ep: &EntryPoint) -> Version {
    let (major, minor) = ep.version();
    Version {
        major,
        minor,
        docrev: ep.docrev,
    }
}

fn announced_by(ep: &EntryPoint) -> Announced {
    match ep.kind {
        EntryKind::Smbios2 | EntryKind::Legacy => Announced::Exact {
            length: ep.table_length,
            count: ep.structure_count,
        },
        EntryKind::Smbios3 => Announced::AtMost(ep.table_length),
    }
}

fn verdict(
    have: usize,
    walk: &TableWalk,
    announced: &Announced,
    version: Option<Version>,
) -> (Completeness, String) {
    let n = walk.structures;
    if n == 0 {
        let why = match walk.defect {
            Some(defect) => defect.to_string(),
            None if have == 0 => "the structure table is empty".to_string(),
            None => "the structure table holds only zero bytes".to_string(),
        };
        return (
            Completeness::Unusable,
            format!("{why}; no SMBIOS structure could be decoded"),
        );
    }
    if let Some(defect) = walk.defect {
        return (
            Completeness::Partial,
            format!("{defect}; decoded the first {n} structures"),
        );
    }
    let complete = format!(
        "{}, {n} structures ({} bytes)",
        match version {
            Some(v) => format!("SMBIOS {v}"),
            None => "SMBIOS version unknown (no entry point)".to_string(),
        },
        walk.valid_len
    );
    if walk.end_of_table {
        return (Completeness::Whole, complete);
    }
    // No type 127: only an exact size from the capture proves nothing is missing.
    match *announced {
        Announced::Exact { length, count } => {
            let all_bytes = u64::try_from(walk.valid_len).unwrap_or(u64::MAX) >= u64::from(length);
            let all_structures = count.is_some_and(|c| n >= usize::from(c));
            if all_bytes || all_structures {
                (Completeness::Whole, complete)
            } else {
                let count = count.map(|c| format!("{c} structures in ")).unwrap_or_default();
                (
                    Completeness::Partial,
                    format!(
                        "the table was announced as {count}{length} bytes but holds {n} structures in {} bytes; it was cut",
                        walk.valid_len
                    ),
                )
            }
        }
        Announced::AtMost(max) => (
            Completeness::Partial,
            format!(
                "no end-of-table structure (type 127) after {n} structures ({} of at most {max} bytes): the table may be cut",
                walk.valid_len
            ),
        ),
        Announced::Nothing => (
            Completeness::Partial,
            format!(
                "no end-of-table structure (type 127) after {n} structures ({} bytes): the table may be cut",
                walk.valid_len
            ),
        ),
    }
}

/// The header Windows puts before the table in an RSMB blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RsmbHeader {
    pub calling_method: u8,
    pub major: u8,
    pub minor: u8,
    pub dmi_revision: u8,
    pub length: u32,
}

pub const RSMB_HEADER_LEN: usize = 8;

impl RsmbHeader {
    pub fn parse(bytes: &[u8]) -> Option<RsmbHeader> {
        let h = bytes.get(..RSMB_HEADER_LEN)?;
        Some(RsmbHeader {
            calling_method: h[0],
            major: h[1],
            minor: h[2],
            dmi_revision: h[3],
            length: u32::from_le_bytes([h[4], h[5], h[6], h[7]]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        crate::test_support::fixture_bytes(&format!("smbios-bin/{name}"))
    }

    fn raw<'a>(entry_point: Option<&'a [u8]>, table: &'a [u8]) -> Capture<'a> {
        Capture {
            entry_point,
            rsmb_header: None,
            table,
        }
    }

    #[test]
    fn a_sysfs_pair_validates_with_its_version() {
        let check = validate(raw(
            Some(&fixture("rust-dmidecode/entry.bin")),
            &fixture("rust-dmidecode/dmi.bin"),
        ));
        assert_eq!(check.status, Completeness::Whole, "{}", check.detail);
        assert_eq!(check.detail, "SMBIOS 2.7, 69 structures (2736 bytes)");
        assert!(check.notes.is_empty(), "{:?}", check.notes);
    }

    #[test]
    fn a_3x_table_shorter_than_its_maximum_is_complete_when_it_ends() {
        // rust-dmidecode's "short" pair: the entry point allows 7483 bytes,
        // the table uses 3894 and ends with type 127, as 3.x permits.
        let check = validate(raw(
            Some(&fixture("rust-dmidecode/entry_v3_short.bin")),
            &fixture("rust-dmidecode/dmi_v3_short.bin"),
        ));
        assert_eq!(check.status, Completeness::Whole, "{}", check.detail);
        assert!(
            check.detail.starts_with("SMBIOS 3.0.0, "),
            "{}",
            check.detail
        );
    }

    #[test]
    fn a_2x_table_cut_on_a_structure_boundary_is_partial() {
        let entry = fixture("rust-dmidecode/entry.bin");
        let table = fixture("rust-dmidecode/dmi.bin");
        let half = walk(&table[..table.len() / 2]).valid_len;
        let check = validate(raw(Some(&entry), &table[..half]));
        assert_eq!(check.status, Completeness::Partial);
        assert!(
            check
                .detail
                .starts_with("the table was announced as 69 structures in 2736 bytes"),
            "{}",
            check.detail
        );
    }

    #[test]
    fn the_hyperv_table_is_partial_with_its_broken_header_named() {
        let check = validate(raw(None, &fixture("go-smbios/HyperV.dmi")));
        assert_eq!(check.status, Completeness::Partial);
        assert_eq!(
            check.detail,
            "structure #6 (type 0) at offset 0x1de has a header length of 0 (the minimum is 4); decoded the first 5 structures"
        );
    }

    #[test]
    fn a_bad_checksum_is_a_note_not_a_failure() {
        let mut entry = fixture("rust-dmidecode/entry.bin");
        entry[0x1C] ^= 1;
        let check = validate(raw(Some(&entry), &fixture("rust-dmidecode/dmi.bin")));
        assert_eq!(check.status, Completeness::Whole);
        assert_eq!(check.version.map(|v| v.to_string()).as_deref(), Some("2.7"));
        assert_eq!(check.notes.len(), 1);
        assert!(
            check.notes[0].contains("checksum is wrong"),
            "{:?}",
            check.notes
        );
    }

    #[test]
    fn nothing_decodable_is_an_error() {
        for table in [
            &[][..],
            &[0, 0, 0, 0][..],
            &[0, 2, 0, 0, 0, 0][..],
            b"{\"Version\"",
        ] {
            let check = validate(raw(None, table));
            assert_eq!(
                check.status,
                Completeness::Unusable,
                "{table:?}: {}",
                check.detail
            );
        }
    }
}
