//! Finding which signatures a message matches, in one pass over it.
//!
//! Every pattern starts with a literal of at least three bytes; its first
//! two bytes go into a 64 Ki-bit table. Walking a message once and looking
//! up each byte pair finds the few places where any pattern could start,
//! instead of searching the message once per pattern.

use crate::knowledge::pattern::Captures;
use crate::knowledge::LogSignature;
use crate::model::LogOrigin;

/// Messages longer than this are matched on their first part only: no
/// kernel line worth recognising is longer, and a hostile one cannot make
/// the backtracking expensive.
pub const MATCH_LIMIT: usize = 2048;

pub struct Scanner<'k> {
    signatures: &'k [LogSignature],
    starts: Vec<u64>,
    /// (first two bytes, signature, pattern), sorted.
    index: Vec<(u16, usize, usize)>,
}

/// A signature pattern that matched a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub signature: usize,
    pub pattern: usize,
    /// Byte offset in the message where the match ended.
    pub end: usize,
    pub captures: Captures,
}

impl<'k> Scanner<'k> {
    pub fn new(signatures: &'k [LogSignature]) -> Self {
        let mut starts = vec![0u64; 1024];
        let mut index = Vec::new();
        for (s, signature) in signatures.iter().enumerate() {
            for (p, pattern) in signature.patterns.iter().enumerate() {
                if let Some(key) = pair(pattern.pattern.prefix()) {
                    if let Some(word) = starts.get_mut(usize::from(key) / 64) {
                        *word |= 1 << (key % 64);
                    }
                    index.push((key, s, p));
                }
            }
        }
        index.sort_unstable();
        Scanner {
            signatures,
            starts,
            index,
        }
    }

    pub fn signature(&self, index: usize) -> Option<&'k LogSignature> {
        self.signatures.get(index)
    }

    /// Every signature the message matches, best first: file order of the
    /// signature, then of its pattern. A signature appears once, with its
    /// first matching pattern at its earliest position.
    pub fn hits(&self, message: &[u8], origin: LogOrigin) -> Vec<Hit> {
        let message = message.get(..MATCH_LIMIT).unwrap_or(message);
        let mut hits: Vec<Hit> = Vec::new();
        for at in 0..message.len().saturating_sub(1) {
            let Some(key) = message.get(at..).and_then(pair) else {
                continue;
            };
            let present = self
                .starts
                .get(usize::from(key) / 64)
                .is_some_and(|w| w & (1 << (key % 64)) != 0);
            if !present {
                continue;
            }
            let from = self.index.partition_point(|&(k, _, _)| k < key);
            let to = self.index.partition_point(|&(k, _, _)| k <= key);
            for &(_, s, p) in self.index.get(from..to).unwrap_or_default() {
                let Some(signature) = self.signatures.get(s) else {
                    continue;
                };
                if signature.origin != origin {
                    continue;
                }
                if hits.iter().any(|h| h.signature == s && h.pattern <= p) {
                    continue;
                }
                let Some(pattern) = signature.patterns.get(p) else {
                    continue;
                };
                if let Some((end, captures)) = pattern.pattern.match_at(message, at) {
                    hits.retain(|h| h.signature != s);
                    hits.push(Hit {
                        signature: s,
                        pattern: p,
                        end,
                        captures,
                    });
                }
            }
        }
        hits.retain(|h| {
            self.signatures
                .get(h.signature)
                .is_some_and(|s| !s.unless.iter().any(|u| u.find(message).is_some()))
        });
        hits.sort_by_key(|h| (h.signature, h.pattern));
        hits
    }
}

fn pair(bytes: &[u8]) -> Option<u16> {
    match bytes {
        [a, b, ..] => Some(u16::from_be_bytes([*a, *b])),
        _ => None,
    }
}
