//! What the two EDAC checks share.

use super::{log_lines, remedy, Context, Hit, Outcome};
use crate::facts::LogEvent;
use crate::model::LogMeaning;

/// Total errors the lines state; a line without a number is one error.
pub fn total(events: &[&LogEvent]) -> u64 {
    events.iter().map(|e| e.count.unwrap_or(1)).sum()
}

/// `memory-errors-corrected`.
pub fn corrected(context: &Context) -> Outcome {
    hit(
        context,
        LogMeaning::MemoryErrorCorrected,
        "corrected",
        "ECC repaired them; a DIMM that keeps producing them is likely to fail.",
    )
    .into()
}

/// `memory-errors-uncorrected`.
pub fn uncorrected(context: &Context) -> Outcome {
    hit(
        context,
        LogMeaning::MemoryErrorUncorrected,
        "uncorrected",
        "Data was lost; under Xen such an error crashes a guest, dom0 or the whole host.",
    )
    .into()
}

fn hit(context: &Context, meaning: LogMeaning, kind: &str, consequence: &str) -> Vec<Hit> {
    let events = log_lines::events(context.facts, &[meaning]);
    let (Some(first), Some(last)) = (events.first(), events.last()) else {
        return Vec::new();
    };
    let detail = format!(
        "EDAC counted {} {kind} memory error(s) in {} log line(s), first at {}, last at {}. {consequence}",
        total(&events),
        events.len(),
        log_lines::when(first),
        log_lines::when(last)
    );
    vec![Hit {
        detail,
        evidence: log_lines::quote(&events),
        remedy: vec![
            "Find the DIMM: the log line names the memory controller, channel and often the \
             slot label; `edac-util -v` or `ras-mc-ctl --error-count` shows the counts per \
             DIMM."
                .into(),
            "Reseat or replace that DIMM, then run a memory test (memtest86+, several passes)."
                .into(),
            format!(
                "Read the system event log, which records the failing DIMM too: {}.",
                remedy::event_log(context)
            ),
        ],
    }]
}
