//! Identifiers inside a raw SMBIOS structure table, overwritten in place.
//!
//! A structure's strings sit after its formatted area, NUL-terminated, and
//! the formatted area refers to them by 1-based number. Replacing a
//! string's bytes with as many `X`s keeps every offset, so the table still
//! walks and decodes; the type-1 UUID becomes zeros, which SMBIOS defines
//! as "present but not set".

use super::{Area, Kind, Secrets, Tally};
use crate::formats::smbios::walk;

/// (structure type, offset of a string-number byte, what it names).
/// Offsets from DSP0134: system, baseboard and chassis serials and tags,
/// processor (2.3+), portable battery, memory device (2.3+), power supply.
const STRING_FIELDS: &[(u8, usize, Kind)] = &[
    (1, 0x07, Kind::Serial),
    (2, 0x07, Kind::Serial),
    (2, 0x08, Kind::AssetTag),
    (3, 0x07, Kind::Serial),
    (3, 0x08, Kind::AssetTag),
    (4, 0x20, Kind::Serial),
    (4, 0x21, Kind::AssetTag),
    (17, 0x18, Kind::Serial),
    (17, 0x19, Kind::AssetTag),
    (22, 0x07, Kind::Serial),
    (39, 0x08, Kind::Serial),
    (39, 0x09, Kind::AssetTag),
];

/// Type 1's UUID: 16 bytes at 0x08 (SMBIOS 2.1 and later).
const UUID_OFFSET: usize = 0x08;
const UUID_LEN: usize = 16;

const AREA: Area = Area::Smbios;

pub fn redact_table(table: &mut [u8], tally: &mut Tally, secrets: &mut Secrets) {
    // Only the well-formed prefix has trustworthy boundaries.
    let valid = walk::walk(table).valid_len;
    let mut offset = 0;
    while offset < valid {
        let (Some(&kind), Some(&length)) = (table.get(offset), table.get(offset + 1)) else {
            return;
        };
        let length = usize::from(length);
        let strings_at = offset + length;
        let Some(end) = table
            .get(strings_at..valid)
            .and_then(|rest| rest.windows(2).position(|pair| pair == [0, 0]))
            .map(|at| strings_at + at + 2)
        else {
            return;
        };
        if length < 4 {
            return;
        }
        for &(_, field, what) in STRING_FIELDS.iter().filter(|(t, _, _)| *t == kind) {
            if field >= length {
                continue;
            }
            let number = table.get(offset + field).copied().unwrap_or(0);
            if let Some(range) = string_range(table, strings_at, end, number) {
                if let Some(bytes) = table.get_mut(range) {
                    let value = std::str::from_utf8(bytes).unwrap_or_default();
                    let identifying = crate::formats::smbios::strings::clean(value).is_some()
                        && !super::is_unset(value);
                    if identifying {
                        secrets.add(value, what);
                        bytes.fill(b'X');
                        tally.add(AREA, what, 1);
                    }
                }
            }
        }
        if kind == 1 && length >= UUID_OFFSET + UUID_LEN {
            let at = offset + UUID_OFFSET;
            if let Some(uuid) = table.get_mut(at..at + UUID_LEN) {
                // All-FF means "not settable": nothing to hide there.
                let set = uuid.iter().any(|&b| b != 0) && uuid.iter().any(|&b| b != 0xFF);
                if set {
                    uuid.fill(0);
                    tally.add(AREA, Kind::Uuid, 1);
                }
            }
        }
        offset = end;
    }
}

/// Byte range of string `number` (1-based) in the string-set that runs
/// from `start` to `end` (just past its double NUL).
fn string_range(
    table: &[u8],
    start: usize,
    end: usize,
    number: u8,
) -> Option<std::ops::Range<usize>> {
    if number == 0 {
        return None;
    }
    // Walk the NUL-separated strings by hand; an empty one ends the set.
    let mut from = start;
    let mut index = 1;
    while from < end {
        let len = table.get(from..end)?.iter().position(|&b| b == 0)?;
        if len == 0 {
            return None;
        }
        if index == number {
            return Some(from..from + len);
        }
        from += len + 1;
        index += 1;
    }
    None
}
