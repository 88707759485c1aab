//! SMBIOS as bytes: the entry point, the structure-table walk, the one
//! verdict on a capture, and firmware string cleaning.

pub mod entry;
pub mod strings;
pub mod validate;
pub mod walk;

pub use validate::{
    validate, Capture, Completeness, RsmbHeader, Validation, Version, RSMB_HEADER_LEN,
};

/// Where Linux exports the SMBIOS identity strings one file each; Evidence
/// `files` keys them by this machine path.
pub const DMI_ID_DIR: &str = "/sys/class/dmi/id";
