//! PLACEHOLDER: replaced by the SMBIOS decoder.
use crate::evidence::SmbiosRaw;
use crate::facts::{DecodeNote, SmbiosFacts};

pub fn decode(_raw: &SmbiosRaw, _notes: &mut Vec<DecodeNote>) -> Option<SmbiosFacts> {
    None
}
