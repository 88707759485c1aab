//! Strings from firmware, logs, bundles, file names and arguments are
//! untrusted: a crafted SMBIOS string can hold terminal escapes that rewrite
//! the screen, a bidi override or zero-width character can make a forged
//! vendor name read as a real one, and a CSV field starting with `=` is a
//! formula to a spreadsheet. Every output path passes them through here:
//! `for_terminal` (text, Markdown, compare), `one_line` (stderr), `for_csv`
//! and `json` (the escaped data formats).

use std::borrow::Cow;

/// Replaces control characters (C0, DEL, C1, which covers ESC-based and
/// 8-bit CSI sequences), Unicode bidirectional controls, zero-width
/// characters and the line/paragraph separators with U+FFFD, so that what
/// was hidden shows.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if is_unsafe(c) { '\u{FFFD}' } else { c })
            .collect(),
    )
}

/// Longer than any useful error message; a message quoting a whole
/// fuzzed bundle is cut here.
pub const ONE_LINE_MAX: usize = 400;

/// One line for stderr: line breaks and tabs become blanks, runs of blanks
/// one, the rest as `for_terminal`, and at most `ONE_LINE_MAX` characters.
pub fn one_line(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let flat = words.join(" ");
    let clean = for_terminal(&flat);
    if clean.chars().count() <= ONE_LINE_MAX {
        return clean.into_owned();
    }
    let mut cut: String = clean.chars().take(ONE_LINE_MAX).collect();
    cut.push('…');
    cut
}

/// A CSV field's content (the caller quotes it): `for_terminal`, and a
/// leading `=`, `+`, `-`, `@`, tab or CR neutralised with a `'` as OWASP
/// advises, so a spreadsheet shows text instead of running a formula.
pub fn for_csv(text: &str) -> Cow<'_, str> {
    let clean = for_terminal(text);
    if clean.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{clean}"))
    } else {
        clean
    }
}

/// A JSON document with every character `for_terminal` would hide but
/// serde leaves raw (bidi, zero-width, separators, C1) written as a `\u`
/// escape: the value is unchanged for a parser, the bytes are inert on a
/// terminal. Such characters can only stand inside strings.
pub fn json(document: String) -> String {
    if !document.chars().any(is_unsafe) {
        return document;
    }
    let mut out = String::with_capacity(document.len() + 16);
    for c in document.chars() {
        if is_unsafe(c) && !matches!(c, '\n' | '\t' | '\r') {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn is_unsafe(c: char) -> bool {
    c.is_control() && c != ' '
        || matches!(
            c,
            '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{2060}'..='\u{2064}'
                | '\u{061C}'
                | '\u{FEFF}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escape_sequences_and_controls() {
        assert_eq!(for_terminal("Dell Inc."), "Dell Inc.");
        let hostile = "Dell\u{1b}[2J\u{1b}]0;pwned\u{7}\r\n\u{9b}31m\u{202E}x";
        let clean = for_terminal(hostile);
        assert!(!clean.chars().any(|c| c.is_control()));
        assert!(!clean.contains('\u{202E}'));
        assert!(clean.starts_with("Dell"));
    }

    /// L3: `De`ZWSP`ll`WJ`In`BOM`c.` displayed as "DellInc.".
    #[test]
    fn zero_width_and_separators_show() {
        let forged = "De\u{200B}ll\u{2060}In\u{FEFF}c.\u{2028}\u{2029}";
        assert_eq!(
            for_terminal(forged),
            "De\u{FFFD}ll\u{FFFD}In\u{FFFD}c.\u{FFFD}\u{FFFD}"
        );
    }

    /// M2: formulas and control characters in compare CSV.
    #[test]
    fn csv_fields_cannot_start_a_formula() {
        let formulas = [
            "=HYPERLINK(\"http://evil.example/\",\"Dell\")",
            "+1",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(A1)",
        ];
        for field in formulas {
            assert!(for_csv(field).starts_with('\''), "{field:?}");
        }
        for field in ["\tx", "\rx", "\u{1b}=x"] {
            let safe = for_csv(field);
            assert!(!safe.chars().any(|c| c.is_control()), "{safe:?}");
        }
        assert_eq!(for_csv("Dell\u{1b}[31m"), "Dell\u{FFFD}[31m");
        assert_eq!(for_csv("Dell Inc."), "Dell Inc.");
    }

    /// M3: a message of many lines with escapes becomes one clean line.
    #[test]
    fn errors_are_one_clean_bounded_line() {
        let line = one_line("bad bundle:\n  line 1\r\n\u{1b}]0;PWNED\u{7}\u{202E}");
        assert_eq!(line, "bad bundle: line 1 \u{FFFD}]0;PWNED\u{FFFD}\u{FFFD}");
        assert_eq!(
            one_line(&"x".repeat(10_000)).chars().count(),
            ONE_LINE_MAX + 1
        );
    }

    /// L4: bidi overrides and zero-width characters are escaped in JSON,
    /// and the value is unchanged.
    #[test]
    fn json_escapes_invisible_characters_without_changing_values() {
        let value = "a\u{202E}b\u{200B}c\u{2028}d\u{85}e";
        let document = json(serde_json::to_string_pretty(&[value]).unwrap());
        assert!(
            !document.chars().any(|c| is_unsafe(c) && c != '\n'),
            "{document}"
        );
        let back: Vec<String> = serde_json::from_str(&document).unwrap();
        assert_eq!(back, [value]);
    }
}
