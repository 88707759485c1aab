//! Wire formats: the byte and text parsers that collect, import, decode and
//! redact all need. Pure functions over bytes and text; nothing here knows
//! Evidence or Facts, so every stage can use them without reaching across
//! the pipeline.

pub mod acpi_header;
pub mod boot_syntax;
pub mod cpulist;
pub mod dmidecode_text;
pub mod kernel_log_prefix;
pub mod smbios;
pub mod xl_info;
