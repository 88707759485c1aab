//! The structure-table walker that runs before smbioslib sees any byte.
//!
//! smbioslib assumes a well-formed table; a table read from a file or from
//! odd firmware can be cut short or carry a broken header. This walker finds
//! the prefix made only of well-formed structures, so the decoder hands
//! smbioslib nothing else, and says what was lost in words a user can act on.

/// Type of the end-of-table structure; nothing after it is part of the table.
pub const END_OF_TABLE: u8 = 127;

/// A structure table is at most a few KiB on real machines; anything past
/// this is not read (collector) or not accepted (importer).
pub const MAX_TABLE_BYTES: usize = 16 * 1024 * 1024;

/// The 4-byte header every structure starts with: type, length, handle.
const HEADER_LEN: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableWalk {
    /// Length of the prefix made of well-formed structures, including the
    /// end-of-table structure when one was reached.
    pub valid_len: usize,
    /// Well-formed structures in that prefix.
    pub structures: usize,
    /// The walk stopped at a type-127 structure.
    pub end_of_table: bool,
    /// Why the walk stopped before the end of the bytes, if it did.
    pub defect: Option<Defect>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Defect {
    /// The bytes stop inside a structure: in its header, its formatted
    /// area, or before the double NUL that closes its strings.
    Cut {
        /// 1-based number of the structure that is cut.
        number: usize,
        kind: u8,
        offset: usize,
    },
    /// A header claims fewer than 4 bytes; every boundary after it is lost.
    BadLength {
        number: usize,
        kind: u8,
        offset: usize,
        length: u8,
    },
}

impl std::fmt::Display for Defect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Defect::Cut {
                number,
                kind,
                offset,
            } => write!(
                f,
                "table ends inside structure #{number} (type {kind}) at offset {offset:#x}"
            ),
            Defect::BadLength {
                number,
                kind,
                offset,
                length,
            } => write!(
                f,
                "structure #{number} (type {kind}) at offset {offset:#x} has a header length of {length} (the minimum is 4)"
            ),
        }
    }
}

/// Walks `table` structure by structure and stops at the first defect, at
/// type 127, or at the end of the bytes. Trailing zero bytes are padding.
pub fn walk(table: &[u8]) -> TableWalk {
    let mut result = TableWalk {
        valid_len: 0,
        structures: 0,
        end_of_table: false,
        defect: None,
    };
    loop {
        let offset = result.valid_len;
        let rest = table.get(offset..).unwrap_or_default();
        // Zeros with no room for a length byte may be a type-0 header cut
        // after its first byte; two or more zeros cannot start a structure.
        if rest.is_empty() || (rest.len() >= 2 && rest.iter().all(|&b| b == 0)) {
            return result;
        }
        let number = result.structures + 1;
        let kind = rest.first().copied().unwrap_or_default();
        let cut = Defect::Cut {
            number,
            kind,
            offset,
        };
        let Some(&length) = rest.get(1) else {
            result.defect = Some(cut);
            return result;
        };
        if rest.len() < HEADER_LEN {
            result.defect = Some(cut);
            return result;
        }
        if usize::from(length) < HEADER_LEN {
            result.defect = Some(Defect::BadLength {
                number,
                kind,
                offset,
                length,
            });
            return result;
        }
        let Some(size) = structure_size(rest, usize::from(length)) else {
            result.defect = Some(cut);
            return result;
        };
        result.valid_len += size;
        result.structures += 1;
        if kind == END_OF_TABLE {
            result.end_of_table = true;
            return result;
        }
    }
}

/// Bytes taken by the structure at the start of `rest`: its formatted area
/// plus its string-set up to and including the closing double NUL.
fn structure_size(rest: &[u8], formatted_len: usize) -> Option<usize> {
    let strings = rest.get(formatted_len..)?;
    let terminator = strings.windows(2).position(|pair| pair == [0, 0])?;
    Some(formatted_len + terminator + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    const R630: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/smbios-bin/go-smbios/Dell-PowerEdge-R630-Dual-Xeon.dmi"
    );
    const HYPERV: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/smbios-bin/go-smbios/HyperV.dmi"
    );

    fn read(path: &str) -> Vec<u8> {
        std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn walks_a_whole_real_table_to_its_end_marker() {
        let table = read(R630);
        let walk = walk(&table);
        assert_eq!(walk.defect, None);
        assert!(walk.end_of_table);
        assert_eq!(walk.valid_len, table.len());
        assert!(walk.structures > 50, "{} structures", walk.structures);
    }

    #[test]
    fn stops_at_a_zero_length_header_in_the_hyperv_table() {
        // go-smbios documents this capture: a naive walk stops after five
        // structures, at a header of length 0 at offset 0x1de.
        let walk = walk(&read(HYPERV));
        assert_eq!(walk.structures, 5);
        assert_eq!(walk.valid_len, 0x1de);
        assert!(!walk.end_of_table);
        assert_eq!(
            walk.defect,
            Some(Defect::BadLength {
                number: 6,
                kind: 0,
                offset: 0x1de,
                length: 0
            })
        );
    }

    #[test]
    fn every_prefix_is_a_clean_prefix_or_a_reported_cut() {
        let table = read(R630);
        let full = walk(&table);
        for len in 0..table.len() {
            let walk = walk(&table[..len]);
            assert!(walk.valid_len <= len);
            assert!(walk.structures < full.structures);
            assert!(!walk.end_of_table, "prefix {len} reached type 127");
            // A prefix either ends exactly on a structure boundary or the
            // walker says which structure it cuts.
            if walk.valid_len < len {
                match walk.defect {
                    Some(Defect::Cut { number, offset, .. }) => {
                        assert_eq!(number, walk.structures + 1);
                        assert_eq!(offset, walk.valid_len);
                    }
                    other => panic!("prefix {len}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn ignores_bytes_after_the_end_marker_and_trailing_padding() {
        let mut table = vec![1, 4, 0, 0, 0, 0, 127, 4, 1, 0, 0, 0];
        table.extend_from_slice(b"junk after the table");
        let ended = walk(&table);
        assert_eq!((ended.structures, ended.valid_len), (2, 12));
        assert!(ended.end_of_table && ended.defect.is_none());

        let padded = walk(&[1, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!((padded.structures, padded.valid_len), (1, 6));
        assert_eq!(padded.defect, None);
    }

    #[test]
    fn describes_defects_for_a_user() {
        let cut = Defect::Cut {
            number: 7,
            kind: 4,
            offset: 0x2a0,
        };
        assert_eq!(
            cut.to_string(),
            "table ends inside structure #7 (type 4) at offset 0x2a0"
        );
    }
}
