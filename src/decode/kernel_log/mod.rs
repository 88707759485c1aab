//! Kernel logs and Xen's console → `KernelLogFacts`: the lines that match a
//! signature of `probes/log-signatures.toml`, with their line number,
//! timestamp, CPU and NMI reason.
//!
//! Each line is first split into prefix and message ([`prefix`]), so every
//! log format reads the same and keeps its own line numbers; the message
//! is then matched against all signatures in one pass ([`scan`]). A line
//! yields at most one event: the first signature in file order wins. A
//! pattern with `then` also looks at the following lines, for messages the
//! kernel printed over several lines, and those lines join the event.

mod scan;

use crate::evidence::Evidence;
use crate::facts::{KernelLogFacts, LogEvent};
use crate::formats::kernel_log_prefix::{self as prefix, Writer};
use crate::knowledge::{LogSignatures, SignaturePattern};
use crate::model::LogOrigin;
use scan::Scanner;

/// The source name of Xen's console read with `xl dmesg`.
pub const XL_DMESG: &str = "xl dmesg";

/// Event text is clipped to this many bytes: enough for any kernel line,
/// bounded for a hostile one.
const TEXT_LIMIT: usize = 512;

struct LogInput<'a> {
    source: &'a str,
    text: &'a str,
    line_offset: u64,
    truncated: bool,
    /// Every line is Xen's unless it says otherwise.
    xen_console: bool,
}

/// `None` when the Evidence holds no log at all: then nothing is known
/// about NMIs or firmware messages, which is not the same as "none".
pub fn decode(evidence: &Evidence, signatures: &LogSignatures) -> Option<KernelLogFacts> {
    let mut inputs: Vec<LogInput> = evidence
        .kernel_logs
        .iter()
        .map(|log| LogInput {
            source: &log.source,
            text: &log.text,
            line_offset: log.line_offset,
            truncated: log.truncated,
            xen_console: false,
        })
        .collect();
    if let Some(text) = evidence.xen.as_ref().and_then(|x| x.xl_dmesg.as_deref()) {
        inputs.push(LogInput {
            source: XL_DMESG,
            text,
            line_offset: 0,
            truncated: false,
            xen_console: true,
        });
    }
    if inputs.is_empty() {
        return None;
    }
    let scanner = Scanner::new(&signatures.signatures);
    let mut facts = KernelLogFacts::default();
    for input in &inputs {
        scan_log(&scanner, input, &mut facts);
    }
    Some(facts)
}

fn scan_log(scanner: &Scanner, input: &LogInput, facts: &mut KernelLogFacts) {
    facts.sources.push(input.source.to_string());
    facts.truncated |= input.truncated;
    let lines: Vec<&str> = input.text.lines().collect();
    facts.lines += lines.len() as u64;
    let mut index = 0;
    while let Some(line) = lines.get(index) {
        let mut next = index + 1;
        for part in prefix::split_glued(line) {
            let record = prefix::parse(part, input.xen_console);
            let origin = match record.writer {
                Writer::Linux => LogOrigin::Linux,
                Writer::Xen => LogOrigin::Xen,
                Writer::Other => continue,
            };
            let message = record.message.trim();
            for hit in scanner.hits(message.as_bytes(), origin) {
                let Some(signature) = scanner.signature(hit.signature) else {
                    continue;
                };
                let Some(pattern) = signature.patterns.get(hit.pattern) else {
                    continue;
                };
                let mut text = clip(part.trim()).to_string();
                if !pattern.then.is_empty() {
                    let rest = message.as_bytes().get(hit.end..).unwrap_or_default();
                    if !pattern.then.iter().any(|t| t.find(rest).is_some()) {
                        let Some((last, joined)) = follow(pattern, &lines, index, input) else {
                            continue;
                        };
                        text.push(' ');
                        text.push_str(clip(&joined));
                        next = next.max(last + 1);
                    }
                }
                facts.events.push(LogEvent {
                    id: signature.id.clone(),
                    meanings: pattern.means.clone(),
                    origin,
                    line: input.line_offset + index as u64 + 1,
                    timestamp: record.timestamp.map(str::to_string),
                    cpu: hit.captures.cpu,
                    reason: hit.captures.reason,
                    count: hit.captures.count,
                    text,
                    source: input.source.to_string(),
                });
                break;
            }
        }
        index = next;
    }
}

/// Looks for a `then` pattern in the lines after `index`; returns the last
/// line the event spans and the messages of the lines it took.
fn follow(
    pattern: &SignaturePattern,
    lines: &[&str],
    index: usize,
    input: &LogInput,
) -> Option<(usize, String)> {
    let mut taken: Vec<&str> = Vec::new();
    for k in index + 1..=index + pattern.within {
        let record = prefix::parse(lines.get(k)?, input.xen_console);
        // Another program's syslog line between two kernel lines.
        if record.writer == Writer::Other {
            continue;
        }
        let message = record.message.trim();
        taken.push(message);
        let bytes = message.as_bytes();
        let bytes = bytes.get(..scan::MATCH_LIMIT).unwrap_or(bytes);
        if pattern.then.iter().any(|t| t.find(bytes).is_some()) {
            return Some((k, taken.join(" ")));
        }
    }
    None
}

fn clip(text: &str) -> &str {
    if text.len() <= TEXT_LIMIT {
        return text;
    }
    let mut end = TEXT_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests;
