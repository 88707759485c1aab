//! ACPI tables from `/sys/firmware/acpi/tables`: the names of all of them
//! (the directory is world-readable) and the bytes of the few that matter
//! for a Xen host (root only: the files are mode 0400).
//!
//! Kept: DMAR (Intel VT-d), IVRS (AMD-Vi), APIC (the MADT), and RMAD/XMAR,
//! the names Xen gives the DMAR in dom0 so that Linux leaves VT-d alone.

use super::procfs::{errno_name, is_missing};
use crate::bounded::{self, Over};
use crate::evidence::{AcpiRaw, AcpiTableRaw, Evidence, HexBytes, SourceStatus};
use crate::formats::acpi_header::name_at;
use crate::model::SourceName;
use nix::errno::Errno;
use std::io;
use std::path::{Path, PathBuf};

const SOURCE: SourceName = SourceName::Acpi;
const TABLES: &str = "sys/firmware/acpi/tables";
/// Far above any real MADT (16 bytes per x2APIC: 8192 CPUs is 128 KiB).
const TABLE_CAP: usize = 4 << 20;
/// More entries than a machine has tables: a captured tree may be garbage.
const ENTRY_CAP: usize = 4096;

pub fn collect(evidence: &mut Evidence, root: &Path) {
    let dir = root.join(TABLES);
    let mut listed = match list(&dir) {
        Ok(listed) => listed,
        Err(e) => {
            let (status, detail) = listing_failure(&e);
            evidence.record(SOURCE, status, detail);
            return;
        }
    };
    if let Ok(dynamic) = list(&dir.join("dynamic")) {
        listed.extend(
            dynamic
                .into_iter()
                .map(|(name, path)| (format!("dynamic/{name}"), path)),
        );
    }
    listed.sort();
    listed.truncate(ENTRY_CAP);

    let mut signatures: Vec<String> = Vec::new();
    let mut tables = Vec::new();
    let mut denied = Vec::new();
    let mut failed = Vec::new();
    for (name, path) in &listed {
        let base = name.rsplit('/').next().unwrap_or(name);
        let Some(signature) = name_at(base.as_bytes(), 0) else {
            continue;
        };
        if !AcpiRaw::KEPT.contains(&signature.as_str()) {
            signatures.push(signature);
            continue;
        }
        match read_table(path) {
            Ok(bytes) => tables.push(AcpiTableRaw {
                signature: signature.clone(),
                bytes: HexBytes(bytes),
            }),
            Err(e) if is_denied(&e) => denied.push(name.clone()),
            Err(e) => failed.push(format!("{name} ({})", errno_name(&e))),
        }
        signatures.push(signature);
    }
    signatures.sort();
    signatures.dedup();

    let (status, detail) = outcome(&signatures, &tables, &denied, &failed);
    evidence.acpi = Some(AcpiRaw { signatures, tables });
    evidence.record(SOURCE, status, detail);
}

/// The source record when the tables directory cannot be listed.
fn listing_failure(e: &io::Error) -> (SourceStatus, String) {
    if is_missing(e) {
        (
            SourceStatus::Absent,
            "no /sys/firmware/acpi/tables: no ACPI, or sysfs is not mounted".to_string(),
        )
    } else if is_denied(e) {
        (
            SourceStatus::Denied,
            format!("/sys/firmware/acpi/tables: {} (run as root)", errno_name(e)),
        )
    } else {
        (
            SourceStatus::Error,
            format!("/sys/firmware/acpi/tables: {}", errno_name(e)),
        )
    }
}

/// The source record once the listing was read: what was listed, what
/// was kept, and what could not be read.
fn outcome(
    signatures: &[String],
    tables: &[AcpiTableRaw],
    denied: &[String],
    failed: &[String],
) -> (SourceStatus, String) {
    let read: Vec<&str> = tables.iter().map(|t| t.signature.as_str()).collect();
    let mut parts = vec![format!("{} tables listed", signatures.len())];
    if !read.is_empty() {
        parts.push(format!("read {}", read.join(", ")));
    }
    if !denied.is_empty() {
        parts.push(format!("reading {} needs root", denied.join(", ")));
    }
    if !failed.is_empty() {
        parts.push(format!("unreadable: {}", failed.join(", ")));
    }
    let status = match (read.is_empty(), denied.is_empty() && failed.is_empty()) {
        (_, true) => SourceStatus::Ok,
        (true, false) if failed.is_empty() => SourceStatus::Denied,
        _ => SourceStatus::Partial,
    };
    (status, parts.join("; "))
}

/// The regular files of a directory, by name.
fn list(dir: &Path) -> io::Result<Vec<(String, PathBuf)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)?.take(ENTRY_CAP) {
        let entry = entry?;
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            files.push((
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
            ));
        }
    }
    Ok(files)
}

/// A table over the cap is refused: a cut one would decode as garbage.
fn read_table(path: &Path) -> io::Result<Vec<u8>> {
    Ok(bounded::read(path, TABLE_CAP, Over::Refuse)?.bytes)
}

fn is_denied(error: &io::Error) -> bool {
    matches!(
        error.raw_os_error().map(Errno::from_raw),
        Some(Errno::EACCES | Errno::EPERM)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::procfs::scratch::ScratchDir;
    use crate::evidence::Origin;

    const SERVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/acpi/dmar/server");

    #[test]
    fn lists_every_table_and_keeps_the_iommu_ones() {
        let dir = ScratchDir::new("acpi-tree");
        let dmar = std::fs::read(format!(
            "{SERVER}/Dell_PowerEdge_R820_E5985CCBA349.DMAR.dat"
        ))
        .unwrap_or_default();
        for name in ["FACP", "DSDT", "SSDT1", "SSDT2", "MCFG", "HPET", "APIC"] {
            dir.put(&format!("/{TABLES}/{name}"), b"not read");
        }
        dir.put(&format!("/{TABLES}/DMAR"), &dmar);
        dir.put(&format!("/{TABLES}/dynamic/SSDT3"), b"x");
        dir.put(&format!("/{TABLES}/data/BERT"), b"x");
        let mut evidence = Evidence::new(Origin::Live);
        collect(&mut evidence, dir.path());
        let raw = evidence.acpi.clone().unwrap_or_default();
        assert_eq!(
            raw.signatures,
            ["APIC", "DMAR", "DSDT", "FACP", "HPET", "MCFG", "SSDT"]
        );
        let kept: Vec<&str> = raw.tables.iter().map(|t| t.signature.as_str()).collect();
        assert_eq!(kept, ["APIC", "DMAR"]);
        assert_eq!(raw.tables[1].bytes.0, dmar);
        let record = evidence
            .source("acpi")
            .cloned()
            .unwrap_or_else(|| panic!("no record"));
        assert_eq!(record.status, SourceStatus::Ok);
        assert_eq!(record.detail, "7 tables listed; read APIC, DMAR");
    }

    #[test]
    fn no_tables_directory_is_absent() {
        let dir = ScratchDir::new("acpi-none");
        let mut evidence = Evidence::new(Origin::Live);
        collect(&mut evidence, dir.path());
        assert_eq!(evidence.acpi, None);
        assert_eq!(
            evidence.source("acpi").map(|r| r.status),
            Some(SourceStatus::Absent)
        );
    }

    #[test]
    fn the_live_machine_never_panics() {
        let mut evidence = Evidence::new(Origin::Live);
        collect(&mut evidence, Path::new("/"));
        let record = evidence
            .source("acpi")
            .cloned()
            .unwrap_or_else(|| panic!("no record"));
        assert!(!record.detail.is_empty());
        if let Some(raw) = &evidence.acpi {
            // Every ACPI machine has an FADT, readable or not.
            assert!(raw.signatures.iter().any(|s| s == "FACP"), "{raw:?}");
        }
    }
}
