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

/// The two fields that say which reader a bundle needs; everything else
/// is skipped unread.
#[derive(serde::Deserialize)]
struct Header {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    version: Option<serde_json::Value>,
}

impl Evidence {
    /// Parses a bundle's JSON and refuses a format or a newer version this
    /// build does not read.
    pub fn from_json(text: &str) -> Result<Evidence, BundleError> {
        let not_json = |e: serde_json::Error| BundleError::NotJson {
            line: e.line(),
            message: e.to_string(),
        };
        // The version first: a newer bundle may hold an enum value or a
        // number this build cannot read, and must get the version error,
        // not a complaint about that value.
        let header: Header = serde_json::from_str(text).map_err(not_json)?;
        let newer = header
            .version
            .as_ref()
            .and_then(serde_json::Value::as_f64)
            .is_some_and(|v| v > f64::from(EVIDENCE_VERSION));
        let foreign = header
            .format
            .as_deref()
            .is_some_and(|f| f != EVIDENCE_FORMAT);
        if newer || foreign {
            let version = header.version.as_ref().and_then(serde_json::Value::as_f64);
            return Err(BundleError::Unsupported {
                format: header.format.unwrap_or_default(),
                version: version.map_or(0, |v| v.min(f64::from(u32::MAX)) as u32),
            });
        }
        let evidence: Evidence = serde_json::from_str(text).map_err(not_json)?;
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
        // L1: a newer bundle with a value this build does not know gets the
        // version error, and so does a version past u32.
        let mut newer: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        newer["sources"] = serde_json::json!([{"name": "smbios", "status": "stale", "detail": ""}]);
        let err = Evidence::from_json(&newer.to_string()).unwrap_err();
        assert!(matches!(err, BundleError::Unsupported { .. }), "{err}");
        newer["version"] = serde_json::json!(18_446_744_073_709_551_615u64);
        let err = Evidence::from_json(&newer.to_string()).unwrap_err();
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
