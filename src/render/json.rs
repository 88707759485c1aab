use crate::report::Report;

/// Pretty JSON with a trailing newline. serde_json escapes control
/// characters, so firmware strings need no further sanitising here.
pub fn json(report: &Report) -> String {
    match serde_json::to_string_pretty(report) {
        Ok(mut text) => {
            text.push('\n');
            text
        }
        // Serialising plain data with string keys cannot fail; keep a valid
        // document even so.
        Err(error) => format!("{{\"error\": {:?}}}\n", error.to_string()),
    }
}
