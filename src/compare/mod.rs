//! `xenready compare`: many machines' reports in one ranked table, for
//! auditing a fleet (or a pallet of decommissioned servers) at once.
//!
//! Inputs are JSON reports and evidence bundles (`input`); reports of one
//! machine (same serial or SMBIOS UUID) merge into one row and the rows
//! are ranked (`table`); the table renders as text, CSV, JSON or Markdown
//! (`format`). Reading files and directories is the CLI's job: this module
//! does no I/O.

mod columns;
mod conflict;
mod format;
mod input;
mod table;
mod text;

#[cfg(test)]
mod tests;

pub use columns::{CapabilityStates, CAPABILITY_COLUMNS};
pub use format::{csv, json, markdown};
pub use input::{load, Entry, LoadError, ReportView};
pub use table::{
    build, sorted_by, verdict_rank, Row, SortKey, Table, TargetCell, COMPARE_SCHEMA_VERSION,
};
pub use text::{fitted, text};

/// One output format of `xenready compare`.
#[derive(Debug, Clone, Copy)]
pub struct Format {
    /// The `--format` value; stable, scripts pass it.
    pub name: &'static str,
    pub help: &'static str,
    /// The table, and the width a text table must fit (`None`: no limit).
    pub render: fn(&Table, Option<usize>) -> String,
}

/// Every fleet-table format, in `--help` order; the first is the default.
pub static FORMATS: &[Format] = &[
    Format {
        name: "text",
        help: "An aligned table for a terminal",
        render: fitted,
    },
    Format {
        name: "csv",
        help: "RFC 4180 CSV for spreadsheets",
        render: |t, _| csv(t),
    },
    Format {
        name: "json",
        help: "The table as JSON",
        render: |t, _| json(t),
    },
    Format {
        name: "markdown",
        help: "A Markdown table for tickets and wikis",
        render: |t, _| markdown(t),
    },
];
