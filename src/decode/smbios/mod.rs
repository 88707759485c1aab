//! SMBIOS table → firmware identity, processor sockets and memory.
//!
//! The table is validated by our own walker first (`walk`), and only the
//! prefix of well-formed structures reaches smbioslib.

mod dmi_id;
mod identity;
mod memory;
mod names;
mod processor;

pub use dmi_id::decode_dmi_id;

use crate::evidence::SmbiosRaw;
use crate::facts::{DecodeNote, SmbiosFacts};
use crate::formats::smbios::Completeness;
use smbioslib::{
    SMBiosBaseboardInformation, SMBiosData, SMBiosInformation, SMBiosMemoryDevice,
    SMBiosPhysicalMemoryArray, SMBiosProcessorInformation, SMBiosStruct,
    SMBiosSystemChassisInformation, SMBiosSystemInformation, SMBiosVersion,
};

const SOURCE: &str = "smbios";

pub fn decode(raw: &SmbiosRaw, notes: &mut Vec<DecodeNote>) -> Option<SmbiosFacts> {
    let check = raw.validate();
    let mut note = |text: String| {
        notes.push(DecodeNote {
            source: SOURCE.to_string(),
            note: text,
        })
    };
    for text in &check.notes {
        note(text.clone());
    }
    if check.status != Completeness::Whole {
        note(check.detail.clone());
    }
    let prefix = raw.table.0.get(..check.walk.valid_len)?;
    if check.walk.structures == 0 {
        return None;
    }

    let version = check.version;
    let data = SMBiosData::from_vec_and_version(
        prefix.to_vec(),
        version.map(|v| SMBiosVersion::new(v.major, v.minor, v.docrev.unwrap_or(0))),
    );
    // Without a version (a bare table) assume 2.6 or later, as every
    // machine since 2009 is; only the UUID byte order depends on it.
    let uuid_little_endian = match version {
        Some(v) => (v.major, v.minor) >= (2, 6),
        None => true,
    };

    let mut facts = SmbiosFacts {
        version: version.map(|v| (v.major, v.minor)),
        ..SmbiosFacts::default()
    };
    for s in data.iter() {
        match s.header.struct_type() {
            SMBiosInformation::STRUCT_TYPE if facts.bios.is_none() => {
                facts.bios = Some(identity::bios(&SMBiosInformation::new(s)));
            }
            SMBiosSystemInformation::STRUCT_TYPE if facts.system.is_none() => {
                let system = SMBiosSystemInformation::new(s);
                facts.system = Some(identity::system(&system, uuid_little_endian));
            }
            SMBiosBaseboardInformation::STRUCT_TYPE if facts.baseboard.is_none() => {
                facts.baseboard = Some(identity::baseboard(&SMBiosBaseboardInformation::new(s)));
            }
            SMBiosSystemChassisInformation::STRUCT_TYPE if facts.chassis.is_none() => {
                let chassis = SMBiosSystemChassisInformation::new(s);
                facts.chassis = Some(identity::chassis(&chassis));
            }
            SMBiosProcessorInformation::STRUCT_TYPE => {
                let cpu = SMBiosProcessorInformation::new(s);
                facts.processors.push(processor::socket(&cpu));
            }
            SMBiosPhysicalMemoryArray::STRUCT_TYPE => {
                let array = SMBiosPhysicalMemoryArray::new(s);
                facts.memory_arrays.push(memory::array(&array));
            }
            SMBiosMemoryDevice::STRUCT_TYPE => {
                let device = SMBiosMemoryDevice::new(s);
                facts.memory_devices.push(memory::device(&device));
            }
            _ => {}
        }
    }

    (!facts.is_empty()).then_some(facts)
}

#[cfg(test)]
mod tests;
