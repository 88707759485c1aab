//! What the kernel and Xen logged about VT-x/AMD-V.

use super::Observations;
use crate::facts::{Facts, KernelLogFacts, LogEvent};
use crate::model::{FirmwareState, LogMeaning, OsState, Silicon};

/// How many log lines a judgement quotes before it only counts.
const QUOTED_LINES: usize = 3;

/// The kernel reports firmware state only for a CPU whose CPUID has the
/// extension (feat_ctl.c and KVM check CPUID first), so a "disabled by
/// BIOS" line also proves the silicon. When a log spans several boots
/// (kern.log), the latest word counts: it is observed first.
pub(super) fn from_kernel_log(facts: &Facts, j: &mut Observations) {
    let Some(log) = &facts.kernel_log else { return };
    let disabled: Vec<&LogEvent> = log
        .events_meaning(LogMeaning::HvmDisabledByFirmware)
        .collect();
    // KVM or Xen loaded the extensions: they work.
    let active: Vec<&LogEvent> = log.events_meaning(LogMeaning::HvmActive).collect();
    let latest = |events: &[&LogEvent]| events.iter().map(|e| log_position(log, e)).max();
    let disabled_first = match (latest(&disabled), latest(&active)) {
        (Some(d), Some(a)) => d > a,
        (Some(_), None) => true,
        _ => false,
    };
    let observe_disabled = |j: &mut Observations| {
        let Some(first) = disabled.first() else {
            return;
        };
        j.observe_silicon(
            Silicon::Yes,
            "kernel log: the CPU has VT-x/AMD-V (the kernel reports a firmware lock only when CPUID shows the extension)",
        );
        j.observe_firmware(FirmwareState::Disabled, first.as_evidence());
        quote_more(j, &disabled);
    };
    let observe_active = |j: &mut Observations| {
        let Some(first) = active.first() else { return };
        j.observe_firmware(FirmwareState::Enabled, first.as_evidence());
        j.observe_os(
            OsState::Active,
            "kernel log: a hypervisor (KVM or Xen) loaded and uses VT-x/AMD-V",
        );
        quote_more(j, &active);
    };
    if disabled_first {
        observe_disabled(j);
        observe_active(j);
    } else {
        observe_active(j);
        observe_disabled(j);
    }
}

/// Orders events across logs: later logs were read later, later lines
/// were written later.
fn log_position(log: &KernelLogFacts, event: &LogEvent) -> (usize, u64) {
    let source = log
        .sources
        .iter()
        .position(|s| *s == event.source)
        .unwrap_or(0);
    (source, event.line)
}

fn quote_more(j: &mut Observations, events: &[&LogEvent]) {
    for event in events.iter().skip(1).take(QUOTED_LINES - 1) {
        j.note(event.as_evidence());
    }
    if events.len() > QUOTED_LINES {
        let last = events.last().map(|e| e.line).unwrap_or_default();
        j.note(format!(
            "... {} more such lines, the last at line {last}",
            events.len() - QUOTED_LINES
        ));
    }
}
