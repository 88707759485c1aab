use super::RenderOptions;
use crate::report::Report;
use serde::Serialize;

/// The JSON report. serde_json escapes control characters; `pretty_json`
/// escapes the invisible ones it leaves.
pub fn json(report: &Report, _options: &RenderOptions) -> String {
    pretty_json(report)
}

/// Pretty JSON with a trailing newline: the one shape of every JSON
/// document xenready writes (reports, fleet tables, check lists, CPU
/// answers).
pub fn pretty_json<T: Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(mut text) => {
            text.push('\n');
            crate::sanitize::json(text)
        }
        // Serialising plain data with string keys cannot fail; keep a valid
        // document even so.
        Err(error) => format!("{{\"error\": {:?}}}\n", error.to_string()),
    }
}
