//! The small pattern language of `probes/log-signatures.toml`.
//!
//! A pattern is literal text with a few placeholders, matched anywhere in a
//! log message:
//!
//! - `%d` one or more decimal digits, `%x` one or more hex digits, `%02x`
//!   exactly two hex digits;
//! - a placeholder followed by `{cpu}`, `{reason}` or `{count}` stores its
//!   value in that field of the event (`cpu` and `count` take `%d`,
//!   `reason` takes a hex placeholder);
//! - `*` any text, including none;
//! - `\*`, `\%` and `\\` stand for the character itself.
//!
//! Patterns start with at least three literal bytes: the decoder indexes
//! them by their first two, and a literal start keeps the search cheap.
//! No regex crate: the binary must stay small, and this is all the kernel's
//! printf formats need.

use std::fmt;

/// Where a placeholder's value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Cpu,
    Reason,
    Count,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Lit(Vec<u8>),
    Dec(Option<Field>),
    Hex { exact2: bool, field: Option<Field> },
    Any,
}

/// Values captured by a match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Captures {
    pub cpu: Option<u32>,
    pub reason: Option<u8>,
    pub count: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    source: String,
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("pattern `{pattern}`: {message}")]
pub struct PatternError {
    pub pattern: String,
    pub message: String,
}

/// Literal bytes a pattern must start with.
const MIN_PREFIX: usize = 3;

impl Pattern {
    pub fn compile(source: &str) -> Result<Pattern, PatternError> {
        let fail = |message: &str| PatternError {
            pattern: source.to_string(),
            message: message.to_string(),
        };
        let mut tokens: Vec<Token> = Vec::new();
        let mut literal: Vec<u8> = Vec::new();
        let mut chars = source.chars().peekable();
        while let Some(c) = chars.next() {
            let placeholder = match c {
                '\\' => match chars.next() {
                    Some(escaped @ ('*' | '%' | '\\')) => {
                        push_char(&mut literal, escaped);
                        continue;
                    }
                    _ => return Err(fail("`\\` must be followed by `*`, `%` or `\\`")),
                },
                '*' => Token::Any,
                '%' => match (chars.next(), chars.peek().copied()) {
                    (Some('d'), _) => Token::Dec(None),
                    (Some('x'), _) => Token::Hex {
                        exact2: false,
                        field: None,
                    },
                    (Some('0'), Some('2')) => {
                        chars.next();
                        if chars.next() != Some('x') {
                            return Err(fail("`%02` must be followed by `x`"));
                        }
                        Token::Hex {
                            exact2: true,
                            field: None,
                        }
                    }
                    _ => return Err(fail("`%` must start `%d`, `%x` or `%02x`")),
                },
                other => {
                    push_char(&mut literal, other);
                    continue;
                }
            };
            if !literal.is_empty() {
                tokens.push(Token::Lit(std::mem::take(&mut literal)));
            }
            let placeholder = if chars.peek() == Some(&'{') {
                chars.next();
                let name: String = chars.by_ref().take_while(|&c| c != '}').collect();
                name_field(placeholder, &name).map_err(|m| fail(&m))?
            } else {
                placeholder
            };
            if placeholder == Token::Any && tokens.last() == Some(&Token::Any) {
                return Err(fail("`**` is the same as `*`; write one"));
            }
            tokens.push(placeholder);
        }
        if !literal.is_empty() {
            tokens.push(Token::Lit(literal));
        }
        match tokens.first() {
            Some(Token::Lit(prefix)) if prefix.len() >= MIN_PREFIX => Ok(Pattern {
                source: source.to_string(),
                tokens,
            }),
            _ => Err(fail("must start with at least three literal characters")),
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The literal the pattern starts with (at least three bytes).
    pub fn prefix(&self) -> &[u8] {
        match self.tokens.first() {
            Some(Token::Lit(prefix)) => prefix,
            _ => &[],
        }
    }

    /// Matches starting exactly at byte `at`; returns where the match ends.
    pub fn match_at(&self, text: &[u8], at: usize) -> Option<(usize, Captures)> {
        if at > text.len() {
            return None;
        }
        match_tokens(&self.tokens, text, at, Captures::default())
    }

    /// The first match anywhere in `text`: (start, end, captures).
    pub fn find(&self, text: &[u8]) -> Option<(usize, usize, Captures)> {
        let prefix = self.prefix();
        let mut from = 0;
        while let Some(offset) = find_bytes(text.get(from..)?, prefix) {
            let start = from + offset;
            if let Some((end, captures)) = self.match_at(text, start) {
                return Some((start, end, captures));
            }
            from = start + 1;
        }
        None
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn push_char(literal: &mut Vec<u8>, c: char) {
    let mut buf = [0u8; 4];
    literal.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

fn name_field(token: Token, name: &str) -> Result<Token, String> {
    let field = match name {
        "cpu" => Field::Cpu,
        "reason" => Field::Reason,
        "count" => Field::Count,
        other => return Err(format!("unknown field `{{{other}}}` (cpu, reason, count)")),
    };
    match (token, field) {
        (Token::Dec(_), Field::Cpu | Field::Count) => Ok(Token::Dec(Some(field))),
        (Token::Hex { exact2, .. }, Field::Reason) => Ok(Token::Hex {
            exact2,
            field: Some(field),
        }),
        _ => Err(format!(
            "`{{{name}}}` does not fit this placeholder (cpu and count take %d, reason takes %x)"
        )),
    }
}

/// Backtracks only at `*`; numbers are taken greedily, as printf wrote
/// them whole.
fn match_tokens(
    tokens: &[Token],
    text: &[u8],
    pos: usize,
    captures: Captures,
) -> Option<(usize, Captures)> {
    let Some((token, rest)) = tokens.split_first() else {
        return Some((pos, captures));
    };
    let tail = text.get(pos..)?;
    match token {
        Token::Lit(literal) => {
            if tail.starts_with(literal) {
                match_tokens(rest, text, pos + literal.len(), captures)
            } else {
                None
            }
        }
        Token::Dec(field) => {
            let digits = tail.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            let value = parse_number(tail.get(..digits)?, 10);
            let captures = store(captures, *field, value);
            match_tokens(rest, text, pos + digits, captures)
        }
        Token::Hex { exact2, field } => {
            let run = tail.iter().take_while(|b| b.is_ascii_hexdigit()).count();
            let digits = if *exact2 { 2 } else { run };
            if digits == 0 || run < digits {
                return None;
            }
            let value = parse_number(tail.get(..digits)?, 16);
            let captures = store(captures, *field, value);
            match_tokens(rest, text, pos + digits, captures)
        }
        Token::Any => match rest.first() {
            None => Some((text.len(), captures)),
            Some(Token::Lit(next)) => {
                let mut from = pos;
                while let Some(offset) = find_bytes(text.get(from..)?, next) {
                    let at = from + offset;
                    if let Some(found) = match_tokens(rest, text, at, captures) {
                        return Some(found);
                    }
                    from = at + 1;
                }
                None
            }
            Some(_) => (pos..=text.len()).find_map(|at| match_tokens(rest, text, at, captures)),
        },
    }
}

fn parse_number(digits: &[u8], radix: u32) -> Option<u64> {
    let text = std::str::from_utf8(digits).ok()?;
    u64::from_str_radix(text, radix).ok()
}

fn store(mut captures: Captures, field: Option<Field>, value: Option<u64>) -> Captures {
    match field {
        Some(Field::Cpu) => captures.cpu = value.and_then(|v| u32::try_from(v).ok()),
        Some(Field::Reason) => captures.reason = value.and_then(|v| u8::try_from(v).ok()),
        Some(Field::Count) => captures.count = value,
        None => {}
    }
    captures
}

/// Byte-slice substring search; log lines are short, so a first-byte scan
/// followed by a comparison is enough.
pub fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut from = 0;
    while let Some(offset) = haystack.get(from..)?.iter().position(|&b| b == first) {
        let at = from + offset;
        if haystack.get(at + 1..at + 1 + rest.len()) == Some(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(pattern: &str, text: &str) -> Option<Captures> {
        let pattern = Pattern::compile(pattern).unwrap_or_else(|e| panic!("{e}"));
        pattern.find(text.as_bytes()).map(|(_, _, c)| c)
    }

    #[test]
    fn linux_nmi_line_yields_reason_and_cpu() {
        let c = find(
            "NMI: PCI system error (SERR) for reason %02x{reason} on CPU %d{cpu}.",
            "[ 1234.5] NMI: PCI system error (SERR) for reason b1 on CPU 3.",
        );
        assert_eq!(
            c,
            Some(Captures {
                cpu: Some(3),
                reason: Some(0xb1),
                count: None
            })
        );
    }

    #[test]
    fn exact_two_hex_digits_refuse_one() {
        assert!(find("reason %02x{reason} on", "reason 3 on").is_none());
        assert_eq!(
            find("reason %x{reason} on", "reason 3 on").and_then(|c| c.reason),
            Some(3)
        );
    }

    #[test]
    fn wildcard_backtracks_to_the_matching_literal() {
        let c = find(
            "EDAC MC%d: %d{count} CE *on*DIMM",
            "EDAC MC0: 12 CE memory read error on CPU_SrcID#0 DIMM#1",
        );
        assert_eq!(c.and_then(|c| c.count), Some(12));
        assert!(find(
            "support for '*' disabled by bios",
            "kvm: support for 'kvm_intel' disabled by bios"
        )
        .is_some());
        assert!(find(
            "support for '*' disabled by bios",
            "support for 'x' enabled"
        )
        .is_none());
    }

    #[test]
    fn escapes_and_trailing_wildcard() {
        assert!(find(r"NMI\*x*", "an NMI*x here").is_some());
        assert!(find(r"100\% sure", "100% sure").is_some());
        assert!(find(
            "FATAL TRAP: vec 2, NMI[*]",
            "(XEN) FATAL TRAP: vec 2, NMI[0000]"
        )
        .is_some());
    }

    #[test]
    fn overflowing_numbers_match_without_a_value() {
        let c = find("on CPU %d{cpu}.", "on CPU 99999999999999999999999999.");
        assert_eq!(c, Some(Captures::default()));
        assert_eq!(
            find("reason %x{reason} ", "reason 1ff ").map(|c| c.reason),
            Some(None)
        );
    }

    #[test]
    fn bad_patterns_are_refused_with_a_reason() {
        for bad in [
            "%d on CPU",
            "ab",
            "abc%q",
            "abc%02d",
            "abc\\n",
            "abc%d{cpux}",
            "abc%x{cpu}",
            "abc**",
        ] {
            assert!(Pattern::compile(bad).is_err(), "{bad} compiled");
        }
    }

    #[test]
    fn garbage_never_panics() {
        let pattern = Pattern::compile(
            "Uhhuh. NMI received for unknown reason %x{reason} on CPU %d{cpu}.*x%dy",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut seed: u32 = 12345;
        let mut text = b"Uhhuh. NMI received for unknown reason 3d on CPU 1.zzx1y".to_vec();
        for _ in 0..2000 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let at = (seed >> 8) as usize % text.len();
            text[at] = (seed >> 24) as u8;
            let _ = pattern.find(&text);
            for cut in 0..text.len() {
                let _ = pattern.match_at(&text[..cut], 0);
            }
        }
    }
}
