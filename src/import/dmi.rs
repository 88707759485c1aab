//! PLACEHOLDER: replaced by the DMI importer.
use super::ParseError;
use crate::evidence::{Evidence, SmbiosRaw};
use std::path::Path;

pub fn parse(_bytes: &[u8]) -> Result<SmbiosRaw, ParseError> {
    Err(ParseError::whole("not implemented yet"))
}

pub fn apply(_evidence: &mut Evidence, _raw: SmbiosRaw, _path: &Path) {}
