//! PLACEHOLDER: replaced by the AIDA64/InstLatx64 importer.
use super::ParseError;
use crate::evidence::{CpuidDump, Evidence, MsrDump};
use std::path::Path;

pub struct Aida64Dump {
    pub cpuid: Vec<CpuidDump>,
    pub msr: Vec<MsrDump>,
}

pub fn parse(_text: &str) -> Result<Aida64Dump, ParseError> {
    Err(ParseError::whole("not implemented yet"))
}

pub fn apply(_evidence: &mut Evidence, _dump: Aida64Dump, _path: &Path) {}
