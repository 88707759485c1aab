//! `acpidump` text: one block per table, a `SIG @ 0xADDRESS` line then
//! hex lines `    OFFS: XX XX ... XX  ascii`. The byte columns sit at
//! fixed positions after the colon, so the ASCII column (which may itself
//! look like hex) is never read as bytes.

use crate::formats::acpi_header::is_name_byte;

/// Bytes per hex line, as acpidump prints them.
const PER_LINE: usize = 16;
/// A table larger than this is garbage; real DSDTs stay below 1 MiB.
const BLOCK_CAP: usize = 16 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The name on the `SIG @` line.
    pub signature: String,
    /// 1-based line of the `SIG @` line.
    pub line: usize,
    pub bytes: Vec<u8>,
    /// The hex lines stopped making sense before the block ended.
    pub broken: Option<String>,
}

/// Every block of the text. No block at all means it is not acpidump output.
pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if let Some(signature) = block_start(line) {
            blocks.push(Block {
                signature,
                line: index + 1,
                bytes: Vec::new(),
                broken: None,
            });
            continue;
        }
        let Some(block) = blocks.last_mut() else {
            continue;
        };
        if block.broken.is_some() {
            continue;
        }
        let Some((offset, bytes)) = hex_line(line) else {
            continue;
        };
        if offset != block.bytes.len() {
            block.broken = Some(format!(
                "line {}: offset {offset:#x} where {:#x} was expected",
                index + 1,
                block.bytes.len()
            ));
        } else if block.bytes.len() + bytes.len() > BLOCK_CAP {
            block.broken = Some(format!("line {}: more than 16 MiB", index + 1));
        } else {
            block.bytes.extend_from_slice(&bytes);
        }
    }
    blocks
}

/// `DSDT @ 0x00000000BF7E0000` → `DSDT`.
fn block_start(line: &str) -> Option<String> {
    let name = line.get(..4)?;
    let address = line.get(4..)?.strip_prefix(" @ 0x")?;
    let valid = name.bytes().all(is_name_byte)
        && !address.is_empty()
        && address.bytes().all(|b| b.is_ascii_hexdigit());
    valid.then(|| name.to_string())
}

/// `0010: 53 53 44 54 ...  ascii` → (0x10, bytes).
fn hex_line(line: &str) -> Option<(usize, Vec<u8>)> {
    let (offset, rest) = line.split_once(':')?;
    if offset.is_empty() || offset.len() > 8 || !offset.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let offset = usize::from_str_radix(offset, 16).ok()?;
    let mut bytes = Vec::with_capacity(PER_LINE);
    for column in 0..PER_LINE {
        let Some(cell) = rest.get(column * 3..column * 3 + 3) else {
            break;
        };
        let cell = cell.as_bytes();
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            cell.first(),
            cell.get(1).and_then(|&b| hex(b)),
            cell.get(2).and_then(|&b| hex(b)),
        ) {
            (Some(b' '), Some(high), Some(low)) => bytes.push((high * 16 + low) as u8),
            _ => break,
        }
    }
    (!bytes.is_empty()).then_some((offset, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_last_line_does_not_read_the_ascii_column() {
        // The ASCII column of a 2-byte line is "AB", which is hex too.
        let text = "TEST @ 0x0000000000000000\n    0000: 41 42                                            AB\n";
        let blocks = parse(text);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].signature, "TEST");
        assert_eq!(blocks[0].bytes, vec![0x41, 0x42]);
        assert_eq!(blocks[0].broken, None);
    }

    #[test]
    fn a_gap_breaks_the_block() {
        let text = "TEST @ 0x0\n 0000: 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10  ................\n 0020: 01\n";
        let blocks = parse(text);
        assert_eq!(blocks[0].bytes.len(), 16);
        assert!(blocks[0]
            .broken
            .as_deref()
            .is_some_and(|b| b.contains("0x20")));
    }

    #[test]
    fn prose_is_not_a_block() {
        assert!(parse("Intel ACPI Component Architecture\nnothing here: at all\n").is_empty());
        assert_eq!(block_start("DSDT @ 0x"), None);
        assert_eq!(block_start("DS T @ 0x10"), None);
        assert_eq!(
            block_start("RSDP @ 0x00000000000F0410"),
            Some("RSDP".into())
        );
    }
}
