//! Line and field helpers for the text dumps, shared with the `cpuid -r`
//! importer.

use super::super::ParseError;
use std::path::Path;

/// `(line number, text)` for every line, a lone CR also ending one (some
/// dumps went through old Mac tools) while keeping the count of LF lines.
pub(in crate::import) fn segments(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n')
        .enumerate()
        .flat_map(|(i, line)| line.split('\r').map(move |segment| (i + 1, segment)))
}

pub(in crate::import) fn skip_blank(text: &str) -> &str {
    text.trim_start()
}

/// Exactly `digits` hex digits, not followed by another one.
pub(in crate::import) fn hex_exact(text: &str, digits: usize) -> Option<(u32, &str)> {
    let head = text.get(..digits)?;
    if !head.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    if text
        .as_bytes()
        .get(digits)
        .is_some_and(u8::is_ascii_hexdigit)
    {
        return None;
    }
    let value = u32::from_str_radix(head, 16).ok()?;
    Some((value, text.get(digits..)?))
}

/// A `[...]` note after a record: its inside and what follows. An
/// unterminated one takes the rest of the line.
pub(in crate::import) fn annotation(text: &str) -> Option<(&str, &str)> {
    let inner = skip_blank(text).strip_prefix('[')?;
    match inner.split_once(']') {
        Some((inside, after)) => Some((inside, after)),
        None => Some((inner, "")),
    }
}

/// The error for a file without a single record: names its first line that
/// has text, and shows the start of it, so a user sees what was given.
pub(in crate::import) fn no_records(text: &str, message: &str) -> ParseError {
    let first = segments(text).find(|(_, s)| !s.trim().is_empty());
    match first {
        Some((number, line)) => {
            let excerpt: String = line
                .trim()
                .chars()
                .map(|c| if c.is_control() { '?' } else { c })
                .take(40)
                .collect();
            ParseError::at(
                number,
                format!("{message}; the file starts with `{excerpt}`"),
            )
        }
        None => ParseError::at(1, format!("{message}; the file is empty")),
    }
}

pub(in crate::import) fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
