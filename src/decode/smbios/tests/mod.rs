//! The decoder replayed over real captures, checked against what the
//! machines' owners (and dmidecode) say they are.

mod dmidecode;
mod machines;
mod robustness;

use super::*;
use crate::import::dmi;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/corpus/smbios-bin/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn import(name: &str) -> SmbiosRaw {
    dmi::parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {}", e.message))
}

fn decoded(name: &str) -> SmbiosFacts {
    let mut notes = Vec::new();
    decode(&import(name), &mut notes).unwrap_or_else(|| panic!("{name}: nothing decoded"))
}
