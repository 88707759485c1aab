//! Reading a bundle back: one cap, one version check, one wording, for
//! `analyze BUNDLE` and `compare` alike.

use super::{Evidence, EVIDENCE_FORMAT, EVIDENCE_VERSION};
use crate::bounded::{self, Over, ReadError};
use std::path::Path;

/// A bundle holds at most 16 MiB of log per source plus tables and small
/// files; anything larger is not one of ours, and is refused unread.
pub const BUNDLE_CAP: usize = 64 << 20;

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error(transparent)]
    Read(#[from] ReadError),
    /// Line of the JSON error, and its message.
    #[error("{line}: not a xenready evidence bundle: {message}")]
    NotJson { line: usize, message: String },
    #[error("bundle format `{format}` version {version} is not one this xenready ({EVIDENCE_FORMAT} up to version {EVIDENCE_VERSION}) reads")]
    Unsupported { format: String, version: u32 },
}

impl Evidence {
    /// Parses a bundle's JSON and refuses a format or a newer version this
    /// build does not read.
    pub fn from_json(text: &str) -> Result<Evidence, BundleError> {
        let evidence: Evidence = serde_json::from_str(text).map_err(|e| BundleError::NotJson {
            line: e.line(),
            message: e.to_string(),
        })?;
        if evidence.format != EVIDENCE_FORMAT || evidence.version > EVIDENCE_VERSION {
            return Err(BundleError::Unsupported {
                format: evidence.format,
                version: evidence.version,
            });
        }
        Ok(evidence)
    }

    /// Reads a bundle file through the bounded reader: a FIFO, a device or
    /// a file over [`BUNDLE_CAP`] is refused before any JSON is parsed.
    pub fn from_path(path: &Path) -> Result<Evidence, BundleError> {
        let text = bounded::read_text(path, BUNDLE_CAP, Over::Refuse)?.text;
        Evidence::from_json(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Origin;

    #[test]
    fn a_bundle_round_trips_and_a_newer_one_is_refused() {
        let mut evidence = Evidence::new(Origin::Import);
        let text = serde_json::to_string(&evidence).unwrap_or_default();
        assert_eq!(Evidence::from_json(&text).ok(), Some(evidence.clone()));
        evidence.version = EVIDENCE_VERSION + 1;
        let text = serde_json::to_string(&evidence).unwrap_or_default();
        let err = Evidence::from_json(&text).unwrap_err();
        assert!(matches!(err, BundleError::Unsupported { .. }), "{err}");
        let err = Evidence::from_json("{\n\"format\": 3").unwrap_err();
        assert!(matches!(err, BundleError::NotJson { line: 2, .. }), "{err}");
    }

    #[test]
    fn an_oversize_bundle_is_refused_unread() {
        let dir = std::env::temp_dir().join(format!("xenready-bundle-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("huge.json");
        let file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{e}"));
        file.set_len(BUNDLE_CAP as u64 * 64)
            .unwrap_or_else(|e| panic!("{e}"));
        let err = Evidence::from_path(&path).unwrap_err();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            matches!(err, BundleError::Read(ReadError::TooLarge { .. })),
            "{err}"
        );
    }
}
