//! Brand strings ("Intel(R) Xeon(R) CPU X5570 @ 2.93GHz") reduced to the
//! tokens that name a processor, and the small pattern language of
//! `probes/cpu-generations.toml` that matches them. Hand-written: the binary
//! has no regex engine.
//!
//! A pattern is whitespace-separated tokens; the first names the line
//! (`Xeon`, `Opteron`, `EPYC`, ...), the rest the model number. Inside a
//! token `#` is one digit, `[4-6]` / `[EXLW]` one character of a class, and a
//! trailing `*` any (possibly empty) rest. Letters compare case-insensitively.

use std::fmt;

/// Tokens of a brand string or a query, upper-cased, without trademarks,
/// filler words, core counts and the clock speed.
pub fn tokens(text: &str) -> Vec<String> {
    let upper = text.to_uppercase();
    let cleaned = upper
        .replace("(R)", " ")
        .replace("(TM)", " ")
        .replace("(C)", " ");
    // Everything after `@` is the clock ("CPU X5570 @ 2.93GHz").
    let cleaned = cleaned.split('@').next().unwrap_or("");
    let mut out: Vec<String> = Vec::new();
    let mut words = cleaned.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let mut word = word.to_string();
        // Westmere-EX brands read "E7- 4870": glue the dangling dash back.
        if word.ends_with('-') && word.len() > 1 {
            if let Some(next) = words.next() {
                word.push_str(next);
            }
        }
        if word == "WITH" {
            break;
        }
        if is_filler(&word) {
            continue;
        }
        out.push(word);
    }
    out
}

fn is_filler(word: &str) -> bool {
    const FILLER: [&str; 7] = ["INTEL", "AMD", "CPU", "PROCESSOR", "GENUINE", "APU", "0"];
    FILLER.contains(&word)
        || word.ends_with("-CORE")
        || word.ends_with("GHZ")
        || word.ends_with("MHZ")
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Atom {
    Literal(char),
    Digit,
    Class(Vec<(char, char)>),
    Rest,
}

/// A compiled brand pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    source: String,
    tokens: Vec<Vec<Atom>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError(pub String);

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a pattern matched: more tokens, then more fixed characters, is the
/// more specific match (`Xeon E5-26## v2` beats `Xeon E5-26##`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Specificity {
    pub with_line: bool,
    pub tokens: usize,
    pub fixed: usize,
}

impl Pattern {
    pub fn parse(source: &str) -> Result<Pattern, PatternError> {
        let mut tokens = Vec::new();
        for word in source.split_whitespace() {
            tokens.push(parse_token(word).map_err(|e| PatternError(format!("`{source}`: {e}")))?);
        }
        if tokens.len() < 2 {
            return Err(PatternError(format!(
                "`{source}`: needs a line word and a model token"
            )));
        }
        Ok(Pattern {
            source: source.to_string(),
            tokens,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Matches the pattern as consecutive tokens of `brand`. With
    /// `line_optional` (a typed query such as "X5570"), the leading line word
    /// may be missing.
    pub fn matches(&self, brand: &[String], line_optional: bool) -> Option<Specificity> {
        let fixed = self
            .tokens
            .iter()
            .flatten()
            .filter(|a| matches!(a, Atom::Literal(_) | Atom::Class(_)))
            .count();
        if find_run(&self.tokens, brand) {
            return Some(Specificity {
                with_line: true,
                tokens: self.tokens.len(),
                fixed,
            });
        }
        let model = self.tokens.get(1..).unwrap_or(&[]);
        if line_optional && !model.is_empty() && find_run(model, brand) {
            return Some(Specificity {
                with_line: false,
                tokens: model.len(),
                fixed,
            });
        }
        None
    }

    /// The line word, upper-cased ("XEON").
    pub fn line(&self) -> String {
        self.tokens
            .first()
            .map(|atoms| {
                atoms
                    .iter()
                    .filter_map(|a| match a {
                        Atom::Literal(c) => Some(*c),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn parse_token(word: &str) -> Result<Vec<Atom>, String> {
    let chars: Vec<char> = word.to_uppercase().chars().collect();
    let mut atoms = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '#' => atoms.push(Atom::Digit),
            '*' => {
                if i + 1 != chars.len() {
                    return Err("`*` only at the end of a token".into());
                }
                atoms.push(Atom::Rest);
            }
            '[' => {
                let close = chars
                    .iter()
                    .skip(i)
                    .position(|&c| c == ']')
                    .map(|p| p + i)
                    .ok_or("unclosed `[`")?;
                let inner = chars.get(i + 1..close).unwrap_or(&[]);
                atoms.push(Atom::Class(parse_class(inner)?));
                i = close;
            }
            ']' => return Err("`]` without `[`".into()),
            c => atoms.push(Atom::Literal(c)),
        }
        i += 1;
    }
    Ok(atoms)
}

fn parse_class(inner: &[char]) -> Result<Vec<(char, char)>, String> {
    let mut ranges = Vec::new();
    let mut i = 0;
    while let Some(&c) = inner.get(i) {
        if inner.get(i + 1) == Some(&'-') {
            let end = *inner.get(i + 2).ok_or("range without an end")?;
            if end < c {
                return Err(format!("range {c}-{end} runs backwards"));
            }
            ranges.push((c, end));
            i += 3;
        } else {
            ranges.push((c, c));
            i += 1;
        }
    }
    if ranges.is_empty() {
        return Err("empty `[]`".into());
    }
    Ok(ranges)
}

fn find_run(pattern: &[Vec<Atom>], brand: &[String]) -> bool {
    if pattern.is_empty() || brand.len() < pattern.len() {
        return false;
    }
    brand
        .windows(pattern.len())
        .any(|window| window.iter().zip(pattern).all(|(t, p)| token_matches(p, t)))
}

fn token_matches(atoms: &[Atom], token: &str) -> bool {
    let mut chars = token.chars();
    for atom in atoms {
        if *atom == Atom::Rest {
            return true;
        }
        let Some(c) = chars.next() else {
            return false;
        };
        let ok = match atom {
            Atom::Literal(l) => *l == c,
            Atom::Digit => c.is_ascii_digit(),
            Atom::Class(ranges) => ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&c)),
            Atom::Rest => true,
        };
        if !ok {
            return false;
        }
    }
    chars.next().is_none()
}

/// A name folded for comparison: letters and digits only, upper-cased
/// ("Magny-Cours" and "MagnyCours" compare equal).
pub fn fold(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Whether `name` (a codename) appears in `tokens` as one or more
/// consecutive tokens.
pub fn names(tokens: &[String], name: &str) -> bool {
    let wanted = fold(name);
    if wanted.is_empty() {
        return false;
    }
    (0..tokens.len()).any(|start| {
        let mut joined = String::new();
        tokens.iter().skip(start).any(|t| {
            joined.push_str(&fold(t));
            joined == wanted
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Vec<String> {
        tokens(text)
    }

    #[test]
    fn brand_strings_reduce_to_their_model_tokens() {
        assert_eq!(
            t("Intel(R) Xeon(R) CPU           X5570  @ 2.93GHz"),
            ["XEON", "X5570"]
        );
        assert_eq!(
            t("Intel(R) Xeon(R) CPU E5-2670 0 @ 2.60GHz"),
            ["XEON", "E5-2670"]
        );
        assert_eq!(
            t("Intel(R) Xeon(R) CPU E7- 4870  @ 2.40GHz"),
            ["XEON", "E7-4870"]
        );
        assert_eq!(t("AMD EPYC 7551P 32-Core Processor"), ["EPYC", "7551P"]);
        assert_eq!(
            t("Quad-Core AMD Opteron(tm) Processor 2356"),
            ["OPTERON", "2356"]
        );
        assert_eq!(t("Intel(R) Xeon(TM) CPU 3.00GHz"), ["XEON"]);
        assert_eq!(
            t("AMD Ryzen 5 2500U with Radeon Vega Mobile Gfx"),
            ["RYZEN", "5", "2500U"]
        );
    }

    #[test]
    fn patterns_match_whole_tokens() {
        let p = Pattern::parse("Xeon [EXLW]55##").unwrap();
        assert!(p
            .matches(&t("Intel(R) Xeon(R) CPU X5570 @ 2.93GHz"), false)
            .is_some());
        assert!(p.matches(&t("Xeon X557"), false).is_none());
        assert!(p.matches(&t("Xeon X55700"), false).is_none());
        assert!(p.matches(&t("X5570"), false).is_none());
        assert!(p.matches(&t("X5570"), true).is_some());
        let star = Pattern::parse("EPYC 7##1*").unwrap();
        assert!(star
            .matches(&t("AMD EPYC 7551P 32-Core Processor"), false)
            .is_some());
        assert!(star
            .matches(&t("AMD EPYC 7551 32-Core Processor"), false)
            .is_some());
        assert!(star.matches(&t("AMD EPYC 7552"), false).is_none());
        let range = Pattern::parse("Opteron 23[4-6]#").unwrap();
        assert!(range.matches(&t("Opteron 2356"), false).is_some());
        assert!(range.matches(&t("Opteron 2378"), false).is_none());
    }

    #[test]
    fn the_longer_pattern_is_the_more_specific() {
        let brand = t("Intel(R) Xeon(R) CPU E5-2680 v2 @ 2.80GHz");
        let v1 = Pattern::parse("Xeon E5-26##").unwrap();
        let v2 = Pattern::parse("Xeon E5-26## v2").unwrap();
        assert!(v2.matches(&brand, false) > v1.matches(&brand, false));
    }

    #[test]
    fn bad_patterns_are_rejected() {
        for bad in [
            "Xeon",
            "Xeon [E",
            "Xeon E]5",
            "Xeon 5*5",
            "Xeon [9-1]#",
            "Xeon []5",
        ] {
            assert!(Pattern::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn codenames_span_tokens() {
        assert!(names(&t("Xeon Irwindale 3.0 GHz"), "Irwindale"));
        assert!(names(&t("magny cours"), "Magny-Cours"));
        assert!(names(&t("Sandy Bridge-EP"), "SandyBridge-EP"));
        assert!(!names(&t("ConroeL"), "Conroe"));
    }

    #[test]
    fn garbage_never_panics() {
        for text in ["", "@", "(R)(TM)", "-", "E7-", "[[[", "\u{0}\u{1}"] {
            let _ = tokens(text);
            let _ = Pattern::parse(text);
        }
    }
}
