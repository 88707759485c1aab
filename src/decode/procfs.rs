//! PLACEHOLDER: replaced by the procfs/sysfs decoder.
use crate::facts::{DecodeNote, OsFacts};
use std::collections::BTreeMap;

pub fn decode(_files: &BTreeMap<String, String>, _notes: &mut Vec<DecodeNote>) -> OsFacts {
    OsFacts::default()
}
