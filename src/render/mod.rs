//! Report → bytes. Nothing upstream prints.
//!
//! Every report renderer has the signature of [`RenderFn`] and one row in
//! [`FORMATS`]; the CLI's `--format` values, their help and the dispatch
//! are read from that table, so an output format is one file plus one row.

mod json;
pub mod markdown;
mod prometheus;
mod style;
mod text;

pub use json::{json, pretty_json};
pub use markdown::markdown;
pub use prometheus::prometheus;
pub use style::{Style, Symbols, DEFAULT_WIDTH};
pub use text::text;

use crate::report::Report;

/// What a renderer may need beside the report itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenderOptions<'a> {
    /// The human name of the Xen target the verdict is for (the report
    /// carries only its id).
    pub target_name: &'a str,
    /// Colour, symbols and width; only the text renderer reads them.
    pub style: Style,
}

pub type RenderFn = fn(&Report, &RenderOptions) -> String;

/// One output format of the report commands.
#[derive(Debug, Clone, Copy)]
pub struct Format {
    /// The `--format` value; stable, scripts pass it.
    pub name: &'static str,
    /// One line for `--help`.
    pub help: &'static str,
    pub render: RenderFn,
}

/// Every report format, in the order `--help` lists them; the first is
/// the default.
pub static FORMATS: &[Format] = &[
    Format {
        name: "text",
        help: "For people: marks, advice under each problem, colour on a terminal",
        render: text,
    },
    Format {
        name: "json",
        help: "For inventory systems: the versioned JSON report",
        render: json,
    },
    Format {
        name: "markdown",
        help: "For tickets and wikis",
        render: markdown,
    },
    Format {
        name: "prometheus",
        help: "For monitoring: node_exporter textfile-collector metrics (xenready_*)",
        render: prometheus,
    },
];

/// The format named `name`, if there is one.
pub fn format(name: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_are_unique_and_found() {
        for (i, f) in FORMATS.iter().enumerate() {
            assert!(
                FORMATS[..i].iter().all(|g| g.name != f.name),
                "{} twice",
                f.name
            );
            assert_eq!(format(f.name).map(|g| g.name), Some(f.name));
        }
        assert!(format("yaml").is_none());
    }
}
