//! The command line, declared once with clap's derive API: parsing, help,
//! did-you-mean, completions and man pages all come from these types.
//! Values that are data (Xen targets, report formats, import flags) are
//! read from the knowledge base and the registries, never copied here.

use super::imports::Imports;
use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};
use std::path::PathBuf;
use xenready::knowledge::Knowledge;

const AFTER_HELP: &str = "\
Exit status: 0 when a report was produced, whatever the verdict; 2 for usage
errors and unreadable input; 1 for other failures. With --check: 0 ready,
3 needs-changes, 4 limited, 5 not-suitable, 6 unknown.

Environment: NO_COLOR (set and not empty) turns colour off unless --color
always is given; COLUMNS (40 to 400) sets the width prose wraps at; TERM=dumb
turns colour off under --color auto.

Run as root for MSRs, SMBIOS and ACPI tables; a normal user still gets a
report that says what it could not read.";

/// Is this x86 server fit to become a Xen host, and what must change if not?
///
/// Without a command, xenready scans this machine: `xenready [OPTIONS]` is
/// `xenready scan [OPTIONS]`.
#[derive(Debug, Parser)]
#[command(
    name = "xenready",
    version,
    propagate_version = true,
    args_conflicts_with_subcommands = true,
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Probe this machine and report (the default when no command is given)
    #[command(after_help = AFTER_HELP)]
    Scan(ScanArgs),
    /// Save this machine's raw evidence as a bundle, for later analysis
    ///
    /// CPUID, MSRs, SMBIOS, ACPI, kernel log, Xen's view, bootloader files
    /// and procfs/sysfs in one JSON bundle, to analyse later or elsewhere
    /// with `xenready analyze BUNDLE`.
    Capture(CaptureArgs),
    /// Report from a saved bundle and/or foreign files (CPUID dumps, DMI
    /// tables, dmidecode text, /proc/cpuinfo, ACPI tables, kernel logs,
    /// bootloader files)
    ///
    /// Sources not given are reported absent, and what they would decide
    /// stays unknown.
    #[command(after_help = AFTER_HELP)]
    Analyze(AnalyzeArgs),
    /// Rank many machines in one table (reports, bundles, directories)
    Compare(CompareArgs),
    /// What a processor brings to Xen, before buying the server
    Cpu(CpuArgs),
    /// Print a check's documentation and the firmware settings that fix it
    Explain(ExplainArgs),
    /// List every check
    Checks(ChecksArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    ///
    /// bash: `xenready completions bash > /etc/bash_completion.d/xenready`;
    /// zsh: into a directory of $fpath as `_xenready`; fish: into
    /// ~/.config/fish/completions/xenready.fish.
    Completions(CompletionsArgs),
    /// Print the man page, or write one page per command into a directory
    ///
    /// `xenready man | man -l -` reads it now; `xenready man --dir DIR`
    /// writes xenready.1, xenready-scan.1, ... for packaging.
    Man(ManArgs),
}

/// Options of every command that writes a report.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Report")]
pub struct ReportArgs {
    /// Report format
    #[arg(long, value_name = "FORMAT", default_value = report_formats_default(), value_parser = report_formats())]
    pub format: String,
    /// Write the report to FILE (atomically) instead of standard output
    #[arg(short, long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    /// Xen target of the verdict
    #[arg(long, value_name = "NAME", default_value = "xen", value_parser = targets())]
    pub target: String,
    /// Colour in the text report: an explicit `always` or `never` beats
    /// NO_COLOR; `auto` means on a terminal and without NO_COLOR
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// ASCII marks ([+] [!] [x] [?]) for consoles whose font lacks ✓ and ✗
    #[arg(long)]
    pub ascii: bool,
    /// Exit with the verdict's status code (see below)
    #[arg(long)]
    pub check: bool,
}

/// Options of the commands that read this machine.
#[derive(Debug, Clone, Args)]
pub struct MachineArgs {
    /// Remove serials, UUIDs, MACs, hostnames and asset tags
    #[arg(long)]
    pub redact: bool,
    /// Never load the msr/cpuid kernel modules (a root scan otherwise loads
    /// them when missing, and unloads them afterwards)
    #[arg(long)]
    pub no_modules: bool,
    /// Read the machine's files below DIR instead of / (a captured tree);
    /// CPUID is not executed then. For tests.
    #[arg(long, value_name = "DIR", hide = true)]
    pub root: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    /// Also save the evidence bundle of this scan to FILE
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub save_evidence: Option<PathBuf>,
    #[command(flatten)]
    pub machine: MachineArgs,
    // Last: its heading holds for every option declared after it.
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Clone, Args)]
pub struct CaptureArgs {
    /// Write the bundle to FILE (atomically) instead of standard output
    #[arg(short, long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub machine: MachineArgs,
}

#[derive(Debug, Clone, Args)]
pub struct AnalyzeArgs {
    /// An evidence bundle from `xenready capture` or `scan --save-evidence`
    #[arg(value_name = "BUNDLE", value_hint = ValueHint::FilePath)]
    pub bundle: Option<PathBuf>,
    #[command(flatten)]
    pub imports: Imports,
    /// Remove serials, UUIDs, MACs, hostnames and asset tags
    #[arg(long)]
    pub redact: bool,
    #[command(flatten)]
    pub report: ReportArgs,
}

const COMPARE_AFTER_HELP: &str = "\
Ranking: --sort score (the default) puts the highest score first; --sort name
orders by machine (vendor and product) A to Z, unnamed machines last; --sort
verdict orders ready, needs-changes, limited, unknown, not-suitable, then by
score, highest first. Ties are broken by machine name, then serial, then file.

Reports of one machine (same serial number or SMBIOS UUID) merge into one row
that keeps the newest capture (then the most complete report) and says which
files it merged.

In a directory, the boot stick's own text reports (*.txt) are skipped quietly
and counted; other files that are not reports are skipped with a note.

--check exits with the worst verdict's code: 0 ready, 3 needs-changes,
4 limited, 6 unknown, 5 not-suitable (worst first: not-suitable, limited,
needs-changes, unknown, ready).";

/// Rank many machines in one table: JSON reports (`--format json`),
/// evidence bundles (`xenready capture`), or directories of them (not
/// searched recursively; other files there are skipped with a note on
/// stderr).
#[derive(Debug, Clone, Args)]
#[command(after_help = COMPARE_AFTER_HELP)]
pub struct CompareArgs {
    /// Reports, bundles or directories of them; `-` reads one from standard
    /// input. The text table fits COLUMNS (or the terminal's default width)
    #[arg(value_name = "FILE", required = true, value_hint = ValueHint::AnyPath)]
    pub inputs: Vec<PathBuf>,
    /// Table format
    #[arg(long, value_name = "FORMAT", default_value = compare_formats_default(), value_parser = compare_formats())]
    pub format: String,
    /// Ranking
    #[arg(long, value_enum, default_value_t = CompareSort::Score)]
    pub sort: CompareSort,
    /// Target bundles are judged for
    #[arg(long, value_name = "NAME", default_value = "xen", value_parser = targets())]
    pub target: String,
    /// Write the table to FILE (atomically) instead of standard output
    #[arg(short, long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    /// Exit with the status code of the worst verdict in the table (the
    /// same codes as `scan --check`)
    #[arg(long)]
    pub check: bool,
}

/// What a processor would bring to Xen, before buying the server: from a
/// brand string, a model number (X5570, "E5-2680 v2", "Opteron 2218") or a
/// codename.
#[derive(Debug, Clone, Args)]
pub struct CpuArgs {
    /// The processor; several words are joined with spaces
    #[arg(value_name = "QUERY", required = true)]
    pub query: Vec<String>,
    /// Answer format
    #[arg(long, value_enum, default_value_t = LookupFormat::Text)]
    pub format: LookupFormat,
    /// Xen target whose verdict heads the answer
    #[arg(long, value_name = "NAME", default_value = "xen", value_parser = targets())]
    pub target: String,
}

/// Print a check's documentation: what it checks, why it matters for Xen,
/// the evidence it reads, how to fix it, and the vendors' firmware setting
/// names.
#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// The check id (`xenready checks` lists them)
    #[arg(value_name = "ID")]
    pub id: String,
}

#[derive(Debug, Clone, Args)]
pub struct ChecksArgs {
    /// List format (markdown is docs/checks.md)
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Write xenready.1 and one xenready-COMMAND.1 per command into DIR
    /// instead of printing xenready.1
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LookupFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareSort {
    /// Highest score first
    Score,
    /// Machine (vendor and product) A to Z
    Name,
    /// ready, needs-changes, limited, unknown, not-suitable
    Verdict,
}

/// The knowledge base's Xen targets, each with its product name as help.
fn targets() -> PossibleValuesParser {
    PossibleValuesParser::new(
        Knowledge::builtin()
            .targets
            .iter()
            .map(|t| PossibleValue::new(t.id.as_str()).help(t.name.as_str())),
    )
}

fn report_formats() -> PossibleValuesParser {
    PossibleValuesParser::new(
        xenready::render::FORMATS
            .iter()
            .map(|f| PossibleValue::new(f.name).help(f.help)),
    )
}

fn report_formats_default() -> &'static str {
    xenready::render::FORMATS.first().map_or("text", |f| f.name)
}

fn compare_formats() -> PossibleValuesParser {
    PossibleValuesParser::new(
        xenready::compare::FORMATS
            .iter()
            .map(|f| PossibleValue::new(f.name).help(f.help)),
    )
}

fn compare_formats_default() -> &'static str {
    xenready::compare::FORMATS
        .first()
        .map_or("text", |f| f.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("xenready").chain(args.iter().copied()))
    }

    #[test]
    fn the_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_command_means_scan_with_its_options() {
        let cli = parse(&["--format", "json", "--check", "-o", "r.json"]).expect("parses");
        assert!(cli.command.is_none());
        assert_eq!(cli.scan.report.format, "json");
        assert!(cli.scan.report.check);
        assert_eq!(cli.scan.report.output, Some(PathBuf::from("r.json")));
        assert!(parse(&["--format", "json", "scan"]).is_err());
    }

    #[test]
    fn analyze_takes_a_bundle_and_repeated_imports_in_registry_order() {
        let cli = parse(&[
            "analyze",
            "b.json",
            "--dmesg",
            "a",
            "--dmesg=b",
            "--cpuid",
            "c",
            "--target",
            "xcp-ng-8.3",
        ])
        .expect("parses");
        let Some(Command::Analyze(args)) = cli.command else {
            panic!("not analyze")
        };
        assert_eq!(args.bundle, Some(PathBuf::from("b.json")));
        let given: Vec<(&str, usize)> = args
            .imports
            .0
            .iter()
            .map(|(importer, paths)| (importer.flag, paths.len()))
            .collect();
        assert_eq!(given, [("cpuid", 1), ("dmesg", 2)]);
        assert_eq!(args.report.target, "xcp-ng-8.3");
        assert!(!args.redact);
    }

    #[test]
    fn redact_is_a_flag_of_scan_capture_and_analyze() {
        for args in [
            &["--redact"][..],
            &["capture", "--redact"],
            &["analyze", "--redact"],
        ] {
            let cli = parse(args).expect("parses");
            let redact = match cli.command {
                None => cli.scan.machine.redact,
                Some(Command::Capture(a)) => a.machine.redact,
                Some(Command::Analyze(a)) => a.redact,
                Some(other) => panic!("{other:?}"),
            };
            assert!(redact, "{args:?}");
        }
    }
}
