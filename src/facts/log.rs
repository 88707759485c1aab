use crate::model::{LogMeaning, LogOrigin};
use serde::Serialize;

/// The kernel log (Linux's, and Xen's own console when read), reduced to the
/// events that matter for Xen. Signatures live in `probes/`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct KernelLogFacts {
    /// Where the text came from: "/dev/kmsg", "syslog(2)", "/var/log/kern.log",
    /// "xl dmesg", "import: FILE".
    pub sources: Vec<String>,
    /// The log was longer than the bound and only its end was kept.
    pub truncated: bool,
    pub lines: u64,
    pub events: Vec<LogEvent>,
}

/// One recognised line. `id` is a signature id from
/// `probes/log-signatures.toml`, stable like a check id and shown in
/// evidence; code asks what the line means (`meanings`), never its id.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct LogEvent {
    pub id: String,
    /// What the line says, as its signature (and the wording that matched)
    /// declares it; sorted.
    pub meanings: Vec<LogMeaning>,
    pub origin: LogOrigin,
    /// 1-based line number in the log text.
    pub line: u64,
    /// Seconds since boot (or the wall-clock text of `dmesg -T`/syslog).
    pub timestamp: Option<String>,
    pub cpu: Option<u32>,
    /// Reason byte of an NMI line ("reason 3d").
    pub reason: Option<u8>,
    /// A count the line states ("EDAC MC0: 3 CE ..."). `None` when it
    /// states none: then the line itself is one occurrence.
    pub count: Option<u64>,
    /// The log this line is in (one of `KernelLogFacts::sources`), since
    /// line numbers count per log.
    pub source: String,
    /// The line as logged, trimmed. Untrusted.
    pub text: String,
}

impl LogEvent {
    pub fn means(&self, meaning: LogMeaning) -> bool {
        self.meanings.contains(&meaning)
    }

    /// The event as evidence: which log, which line, and the line itself
    /// (cut at 200 characters: a log line can be arbitrarily long).
    pub fn as_evidence(&self) -> String {
        let text: String = self.text.chars().take(200).collect();
        format!("{} line {}: {text}", self.source, self.line)
    }
}

impl KernelLogFacts {
    /// Events that say `meaning`, in log order.
    pub fn events_meaning(&self, meaning: LogMeaning) -> impl Iterator<Item = &LogEvent> + '_ {
        self.events.iter().filter(move |e| e.means(meaning))
    }

    pub fn has(&self, meaning: LogMeaning) -> bool {
        self.events_meaning(meaning).next().is_some()
    }

    /// Events of one signature, by its public id: for tests and readers of
    /// the JSON evidence. Code asks by meaning instead.
    pub fn events<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a LogEvent> + 'a {
        self.events.iter().filter(move |e| e.id == id)
    }
}
