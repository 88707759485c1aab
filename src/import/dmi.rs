//! `--dmi FILE`: an SMBIOS table captured elsewhere. Three layouts exist in
//! the wild and the file does not say which, so the bytes decide:
//! `dmidecode --dump-bin` (an entry point at 0), a Windows RSMB blob (an
//! 8-byte header), or a bare table (the bytes of /sys/firmware/dmi/tables/DMI).

use super::{ImportError, ParseError};
use crate::bounded::{self, Over};
use crate::evidence::{Evidence, HexBytes, SmbiosRaw};
use crate::formats::smbios::entry::{self, EntryError, EntryPoint};
use crate::formats::smbios::walk::{walk, MAX_TABLE_BYTES};
use crate::formats::smbios::{RsmbHeader, RSMB_HEADER_LEN};
use crate::model::SourceName;
use std::path::Path;

/// Where `dmidecode --dump-bin` puts the table, after the entry point.
const DUMP_TABLE_OFFSET: usize = 0x20;

/// The largest file worth reading: a maximal table plus its dump header.
const MAX_FILE_BYTES: usize = MAX_TABLE_BYTES + DUMP_TABLE_OFFSET;

const EXPECTED: &str = "expected a `dmidecode --dump-bin` file (starting with _SM_ or _SM3_), \
     a Windows RSMB blob (GetSystemFirmwareTable) or the bytes of /sys/firmware/dmi/tables/DMI";

pub fn parse(bytes: &[u8]) -> Result<SmbiosRaw, ParseError> {
    if bytes.is_empty() {
        return Err(ParseError::whole(format!("the file is empty; {EXPECTED}")));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ParseError::whole(format!(
            "the file is {} bytes, more than any SMBIOS table (16 MiB); {EXPECTED}",
            bytes.len()
        )));
    }
    match entry::parse(bytes) {
        Ok(ep) => return dump_bin(bytes, &ep),
        Err(e @ EntryError::TooShort { .. }) => {
            return Err(ParseError::whole(format!("{e}: the file is cut short")))
        }
        Err(EntryError::NoAnchor) => {}
    }
    if let Some(raw) = rsmb(bytes) {
        return Ok(raw);
    }
    let walked = walk(bytes);
    if walked.structures == 0 {
        let why = walked
            .defect
            .map(|d| d.to_string())
            .unwrap_or_else(|| "it holds only zero bytes".to_string());
        return Err(ParseError::whole(format!(
            "not SMBIOS data ({why}); {EXPECTED}"
        )));
    }
    Ok(SmbiosRaw {
        entry_point: None,
        table: HexBytes(bytes.to_vec()),
        rsmb_header: None,
    })
}

/// Stores the table and records the "smbios" source exactly as a live
/// scan of the same bytes would.
pub fn apply(evidence: &mut Evidence, raw: SmbiosRaw, _path: &Path) {
    let check = raw.validate();
    evidence.record(SourceName::Smbios, check.status.into(), check.detail);
    evidence.smbios = Some(raw);
}

/// Refuses a file larger than any SMBIOS capture can be, so a wrong path
/// (a disk image, /dev/zero) fails fast instead of filling memory.
pub(super) fn read(path: &Path) -> Result<Vec<u8>, ImportError> {
    Ok(bounded::read(path, MAX_FILE_BYTES, Over::Refuse)?.bytes)
}

fn dump_bin(bytes: &[u8], ep: &EntryPoint) -> Result<SmbiosRaw, ParseError> {
    let after_entry = bytes.get(ep.length..).unwrap_or_default();
    if after_entry.iter().all(|&b| b == 0) {
        return Err(ParseError::whole(format!(
            "this is a bare SMBIOS entry point ({}, {} bytes) without the structure table; \
             import /sys/firmware/dmi/tables/DMI or a `dmidecode --dump-bin` file instead",
            ep.anchor(),
            bytes.len()
        )));
    }
    // dmidecode writes the table at 0x20 and says so in the address field.
    // `cat smbios_entry_point DMI` leaves a physical address there and puts
    // the table right after the entry point.
    let offsets = match usize::try_from(ep.table_address) {
        Ok(address) if address >= ep.length && address < bytes.len() => vec![address],
        _ => vec![ep.length, DUMP_TABLE_OFFSET],
    };
    let table = offsets
        .into_iter()
        .filter_map(|offset| bytes.get(offset..))
        .find(|table| walk(table).structures > 0)
        .ok_or_else(|| {
            ParseError::whole(format!(
                "the data after the {} entry point holds no valid SMBIOS structure",
                ep.anchor()
            ))
        })?;
    Ok(SmbiosRaw {
        entry_point: bytes.get(..ep.length).map(|e| HexBytes(e.to_vec())),
        table: HexBytes(table.to_vec()),
        rsmb_header: None,
    })
}

/// An RSMB blob, if the header is plausible and a structure follows it.
fn rsmb(bytes: &[u8]) -> Option<SmbiosRaw> {
    let header = RsmbHeader::parse(bytes)?;
    if header.calling_method > 1 || !(2..=3).contains(&header.major) || header.length == 0 {
        return None;
    }
    let body = bytes.get(RSMB_HEADER_LEN..)?;
    // A blob cut short keeps what it has; validation reports the shortfall.
    let length = usize::try_from(header.length).unwrap_or(usize::MAX);
    let table = body.get(..length).unwrap_or(body);
    if walk(table).structures == 0 {
        return None;
    }
    Some(SmbiosRaw {
        entry_point: None,
        table: HexBytes(table.to_vec()),
        rsmb_header: bytes.get(..RSMB_HEADER_LEN).map(|h| HexBytes(h.to_vec())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{Origin, SourceStatus};
    use crate::formats::smbios::Completeness;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/smbios-bin");

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{DIR}/{name}");
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn detects_a_dump_bin_file() {
        let dump = fixture("u-root/SuperMicro-X9DBL.bin");
        let raw = parse(&dump).unwrap();
        let entry = raw.entry_point.as_ref().unwrap();
        assert_eq!(&entry.0[..4], b"_SM_");
        assert_eq!(entry.0.len(), 31);
        assert_eq!(raw.table.0, dump[0x20..]);
        assert_eq!(raw.rsmb_header, None);
    }

    #[test]
    fn detects_a_windows_rsmb_blob() {
        let blob = fixture("smbios-lib/jeffgerlap_3_2_0.dat");
        let raw = parse(&blob).unwrap();
        let header = RsmbHeader::parse(&raw.rsmb_header.as_ref().unwrap().0).unwrap();
        assert_eq!((header.major, header.minor), (3, 2));
        assert_eq!(raw.table.0.len(), 1071);
        assert_eq!(raw.table.0, blob[8..]);
        assert_eq!(raw.entry_point, None);
    }

    #[test]
    fn detects_a_bare_table() {
        let table = fixture("go-smbios/SuperMicro-Dual-Xeon.dmi");
        let raw = parse(&table).unwrap();
        assert_eq!((raw.entry_point, raw.rsmb_header), (None, None));
        assert_eq!(raw.table.0, table);
    }

    #[test]
    fn accepts_an_entry_point_concatenated_with_its_table() {
        // `cat smbios_entry_point DMI`: the address field is physical.
        let mut bytes = fixture("rust-dmidecode/entry.bin");
        bytes.extend(fixture("rust-dmidecode/dmi.bin"));
        let raw = parse(&bytes).unwrap();
        assert_eq!(raw.table.0, fixture("rust-dmidecode/dmi.bin"));
        assert_eq!(raw.validate().status, Completeness::Whole);
    }

    #[test]
    fn a_truncated_rsmb_blob_imports_as_partial() {
        let blob = fixture("smbios-lib/jeffgerlap_3_2_0.dat");
        let raw = parse(&blob[..600]).unwrap();
        assert!(raw.rsmb_header.is_some());
        assert_eq!(raw.validate().status, Completeness::Partial);
    }

    #[test]
    fn bare_entry_points_are_clean_errors() {
        for name in [
            "rust-dmidecode/entry.bin",
            "rust-dmidecode/entry_v3.bin",
            "rust-dmidecode/entry_v3_short.bin",
        ] {
            let err = parse(&fixture(name)).unwrap_err();
            assert!(
                err.message.contains("bare SMBIOS entry point"),
                "{name}: {}",
                err.message
            );
            assert_eq!(err.line, None);
        }
    }

    #[test]
    fn garbage_and_text_are_clean_errors() {
        assert!(parse(b"").unwrap_err().message.contains("empty"));
        let err = parse(&fixture("go-smbios/HyperV.json")).unwrap_err();
        assert!(
            err.message.starts_with("not SMBIOS data"),
            "{}",
            err.message
        );
        assert!(parse(&[0u8; 4096]).is_err());
        assert!(parse(&fixture("rust-dmidecode/entry.bin")[..20]).is_err());
    }

    #[test]
    fn every_fixture_file_imports_or_fails_cleanly() {
        let mut imported = 0;
        for sub in ["go-smbios", "u-root", "rust-dmidecode", "smbios-lib"] {
            let dir = std::fs::read_dir(format!("{DIR}/{sub}")).unwrap();
            for entry in dir {
                let path = entry.unwrap().path();
                let name = path.display().to_string();
                let bytes = std::fs::read(&path).unwrap();
                let is_data = !name.ends_with(".json") && !name.ends_with(".txt");
                let is_bare_entry = name.contains("/entry");
                match parse(&bytes) {
                    Ok(raw) => {
                        assert!(is_data && !is_bare_entry, "{name} imported");
                        let check = raw.validate();
                        assert_ne!(
                            check.status,
                            Completeness::Unusable,
                            "{name}: {}",
                            check.detail
                        );
                        imported += 1;
                    }
                    Err(e) => {
                        assert!(!is_data || is_bare_entry, "{name}: {}", e.message);
                        assert!(!e.message.is_empty());
                    }
                }
            }
        }
        assert_eq!(imported, 6 + 11 + 11 + 1);
    }

    #[test]
    fn apply_records_the_source_like_a_live_scan() {
        let mut evidence = Evidence::new(Origin::Import);
        let raw = parse(&fixture("u-root/Lenovo-ThinkPad-W510.bin")).unwrap();
        apply(&mut evidence, raw, Path::new("W510.bin"));
        let source = evidence.source("smbios").unwrap();
        assert_eq!(source.status, SourceStatus::Ok);
        assert_eq!(source.detail, "SMBIOS 2.6, 82 structures (3123 bytes)");
        assert!(evidence.smbios.is_some());

        let mut evidence = Evidence::new(Origin::Import);
        let raw = parse(&fixture("go-smbios/HyperV.dmi")).unwrap();
        apply(&mut evidence, raw, Path::new("HyperV.dmi"));
        assert_eq!(
            evidence.source("smbios").unwrap().status,
            SourceStatus::Partial
        );
    }

    #[test]
    fn dmi_file_reads_and_applies_a_capture() {
        let mut evidence = Evidence::new(Origin::Import);
        let path = Path::new(DIR).join("u-root/VMWare.bin");
        crate::import::dmi_file(&mut evidence, &path).unwrap();
        assert_eq!(evidence.meta.imported_files.len(), 1);
        assert_eq!(evidence.source("smbios").unwrap().status, SourceStatus::Ok);

        let json = Path::new(DIR).join("go-smbios/HyperV.json");
        let err = crate::import::dmi_file(&mut evidence, &json).unwrap_err();
        assert!(
            err.to_string().contains("HyperV.json: not SMBIOS data"),
            "{err}"
        );
    }
}
