//! `--dmidecode-text FILE`: the text output of `dmidecode` (2.2–3.6),
//! stored verbatim so that a better decoder reads old imports better.

use super::{note_import, ImportError, ParseError};
use crate::bounded::Over;
use crate::evidence::{DmidecodeText, Evidence, SourceStatus};
use crate::formats::dmidecode_text::lexer;
use crate::model::SourceName;
use std::path::Path;

/// Far above the largest real output (a VMware guest with hundreds of
/// memory devices prints under 300 KiB); a wrong path fails fast.
pub const MAX_TEXT_BYTES: usize = 8 << 20;

/// What the importer learnt about a text before storing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub dmidecode_version: Option<(u32, u32)>,
    pub structures: usize,
}

/// Accepts anything with at least one DMI structure: a handle line with
/// its type, or (`dmidecode -q`) a block heading xenready reads.
pub fn check(text: &str) -> Result<Summary, ParseError> {
    let (dmidecode_version, structures) = lexer::summary(text);
    if structures == 0 {
        return Err(ParseError::whole(
            "no DMI structure (`Handle 0x…, DMI type …` or a block such as \
             `System Information`): not `dmidecode` text output",
        ));
    }
    Ok(Summary {
        dmidecode_version,
        structures,
    })
}

pub fn dmidecode_text_file(evidence: &mut Evidence, path: &Path) -> Result<(), ImportError> {
    let read = super::read_text(path, MAX_TEXT_BYTES, Over::Cut)?;
    let (text, truncated) = (read.text, read.cut);
    let summary = check(&text).map_err(|e| e.in_file(path))?;
    apply(evidence, text, path, &summary, truncated);
    note_import(evidence, path);
    Ok(())
}

pub fn apply(
    evidence: &mut Evidence,
    text: String,
    path: &Path,
    summary: &Summary,
    truncated: bool,
) {
    let version = summary
        .dmidecode_version
        .map(|(major, minor)| format!("version {major}.{minor}"))
        .unwrap_or_else(|| "version unknown".to_string());
    let mut detail = format!(
        "imported dmidecode text {}, {version}, {} structures",
        path.display(),
        summary.structures
    );
    let status = if truncated {
        detail.push_str(&format!(", cut at {} MiB", MAX_TEXT_BYTES >> 20));
        SourceStatus::Partial
    } else {
        SourceStatus::Ok
    };
    // The binary table wins in decode; its record must keep describing it.
    match evidence
        .smbios
        .is_some()
        .then(|| evidence.source("smbios"))
        .flatten()
    {
        Some(binary) => {
            let kept = format!(
                "{}; dmidecode text {} also imported, unused beside the table",
                binary.detail,
                path.display()
            );
            let binary_status = binary.status;
            evidence.record(SourceName::Smbios, binary_status, kept);
        }
        None => evidence.record(SourceName::Smbios, status, detail),
    }
    evidence.dmidecode_text = Some(DmidecodeText {
        source: path.display().to_string(),
        text,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Origin;

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/dmidecode-text/parse-dmidecode/dmidecode_example4.txt"
    );

    #[test]
    fn stores_the_text_and_records_smbios() {
        let mut evidence = Evidence::new(Origin::Import);
        dmidecode_text_file(&mut evidence, Path::new(FIXTURE)).unwrap();
        let source = evidence.source("smbios").unwrap();
        assert_eq!(source.status, SourceStatus::Ok);
        assert!(
            source.detail.contains("version 2.6, 83 structures"),
            "{}",
            source.detail
        );
        let stored = evidence.dmidecode_text.as_ref().unwrap();
        assert!(stored.text.contains("PowerEdge 750"));
        assert_eq!(evidence.meta.imported_files, vec![FIXTURE.to_string()]);
    }

    #[test]
    fn a_binary_table_keeps_its_record_and_wins_in_decode() {
        let mut evidence = Evidence::new(Origin::Import);
        let bin = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/corpus/smbios-bin/u-root/SuperMicro-X9DBL.bin"
        );
        crate::import::dmi_file(&mut evidence, Path::new(bin)).unwrap();
        dmidecode_text_file(&mut evidence, Path::new(FIXTURE)).unwrap();
        let detail = &evidence.source("smbios").unwrap().detail;
        assert!(detail.starts_with("SMBIOS 2.7"), "{detail}");
        assert!(detail.ends_with("unused beside the table"), "{detail}");
        let facts = crate::decode::decode(&evidence, crate::knowledge::Knowledge::builtin());
        let system = facts.firmware.unwrap().system.unwrap();
        assert_eq!(system.product.as_deref(), Some("X9DBL-3F/X9DBL-iF"));
    }

    #[test]
    fn refuses_text_that_is_not_dmidecode_output() {
        for text in [
            "",
            "processor\t: 0\nvendor_id\t: GenuineIntel\n",
            "\u{0}\u{ff}garbage",
        ] {
            assert!(check(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn a_missing_file_is_a_read_error() {
        let mut evidence = Evidence::new(Origin::Import);
        let error = dmidecode_text_file(&mut evidence, Path::new("/nonexistent/dmi.txt"));
        assert!(matches!(error, Err(ImportError::Read(_))));
    }
}
