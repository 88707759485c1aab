//! The Report: the public result of a run, as JSON keys and as the text the
//! renderers print. JSON keys here are a public interface: renaming one is a
//! schema version change, recorded in CHANGELOG.md.

mod build;
mod check_lines;
mod summary;
mod system;
mod targets;

pub use build::{build, Report, Tool, SCHEMA_VERSION};
pub use check_lines::{CheckLine, LineMark};
pub use summary::{CpuSummary, Environment, MachineSummary, MemorySummary};
pub use system::SystemSummary;
pub use targets::{TargetVerdict, TargetVerdicts};
