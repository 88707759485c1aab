//! Strings from firmware and logs are untrusted: a crafted SMBIOS string can
//! hold terminal escapes that rewrite the screen. Everything the text
//! renderer prints from Evidence goes through `for_terminal`.

use std::borrow::Cow;

/// Replaces control characters (C0, DEL, C1, which covers ESC-based and
/// 8-bit CSI sequences) and Unicode bidirectional overrides with U+FFFD.
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

fn is_unsafe(c: char) -> bool {
    c.is_control() && c != ' '
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

#[cfg(test)]
mod tests {
    use super::for_terminal;

    #[test]
    fn strips_escape_sequences_and_controls() {
        assert_eq!(for_terminal("Dell Inc."), "Dell Inc.");
        let hostile = "Dell\u{1b}[2J\u{1b}]0;pwned\u{7}\r\n\u{9b}31m\u{202E}x";
        let clean = for_terminal(hostile);
        assert!(!clean.chars().any(|c| c.is_control()));
        assert!(!clean.contains('\u{202E}'));
        assert!(clean.starts_with("Dell"));
    }
}
