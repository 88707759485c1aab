//! Quoting kernel-log events as finding evidence: where each line is
//! (log and line number) and what it says, a few of them, then a count.

use crate::facts::{Facts, LogEvent};
use crate::model::LogMeaning;

/// Lines quoted before the rest is only counted.
pub const QUOTED: usize = 8;

/// Events that say any of `meanings`, in log order.
pub fn events<'a>(facts: &'a Facts, meanings: &[LogMeaning]) -> Vec<&'a LogEvent> {
    facts
        .kernel_log
        .as_ref()
        .map(|log| {
            log.events
                .iter()
                .filter(|e| meanings.iter().any(|&m| e.means(m)))
                .collect()
        })
        .unwrap_or_default()
}

pub fn quote(events: &[&LogEvent]) -> Vec<String> {
    let mut lines: Vec<String> = events
        .iter()
        .take(QUOTED)
        .map(|e| e.as_evidence())
        .collect();
    if events.len() > QUOTED {
        lines.push(format!("... and {} more such lines", events.len() - QUOTED));
    }
    lines
}

/// "at 12.345678 (line 100)" or "at line 100".
pub fn when(event: &LogEvent) -> String {
    match &event.timestamp {
        Some(ts) => format!("{ts} (line {})", event.line),
        None => format!("line {}", event.line),
    }
}

/// Distinct values, sorted, joined: "0, 2, 3".
pub fn distinct<T: Ord + Copy>(
    values: impl Iterator<Item = T>,
    show: impl Fn(T) -> String,
) -> String {
    let set: std::collections::BTreeSet<T> = values.collect();
    set.into_iter().map(show).collect::<Vec<_>>().join(", ")
}
