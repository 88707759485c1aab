use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Is this x86 server fit to become a Xen host, and what must change if not?
///
/// Without a subcommand, `xenready` scans this machine (same as `xenready scan`).
/// Exit status: 0 when a report was produced, whatever the verdict; 2 for usage
/// errors and unreadable input; with --check the verdict's code (see README).
#[derive(Debug, Parser)]
#[command(name = "xenready", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Probe this machine and report (the default).
    Scan(ScanArgs),
    /// Save the raw evidence of this machine as a bundle for later analysis.
    Capture(CaptureArgs),
    /// Report from a saved bundle and/or foreign files (CPUID dumps, DMI tables).
    Analyze(AnalyzeArgs),
    /// Rank many machines in one table: JSON reports, evidence bundles, or
    /// directories of them (a fleet audit).
    Compare(CompareArgs),
    /// Print a check's documentation.
    Explain {
        /// Check id, e.g. hvm-disabled-in-firmware.
        id: String,
    },
    /// List every check.
    Checks {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// What a processor would bring to Xen, before buying the server: a
    /// brand string, a model number (X5570, "E5-2680 v2", "Opteron 2218")
    /// or a codename.
    Cpu(CpuArgs),
}

#[derive(Debug, Clone, Args)]
pub struct CpuArgs {
    /// The processor; several words are joined (`xenready cpu Opteron 2218`).
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LookupFormat::Text)]
    pub format: LookupFormat,
    /// Xen target whose verdict heads the answer (all are listed).
    #[arg(long, default_value = "xen", value_name = "NAME")]
    pub target: String,
}

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Xen target the verdict is for.
    #[arg(long, default_value = "xen", value_name = "NAME")]
    pub target: String,
    /// Colour in the text report.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Use ASCII marks ([+] [!] [x] [?]) for consoles without Unicode glyphs.
    #[arg(long)]
    pub ascii: bool,
    /// Exit with the verdict's status code instead of 0.
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub report: ReportArgs,
    /// Also save the evidence bundle this report was made from.
    #[arg(long, value_name = "FILE")]
    pub save_evidence: Option<PathBuf>,
    /// Read the machine's files below DIR instead of / (a captured tree).
    /// CPUID is not executed then: this CPU is not that machine's.
    #[arg(long, value_name = "DIR", hide = true)]
    pub root: Option<PathBuf>,
    /// Never load the msr/cpuid kernel modules (a root scan otherwise loads
    /// them when missing, and unloads them afterwards).
    #[arg(long)]
    pub no_modules: bool,
}

#[derive(Debug, Clone, Args)]
pub struct CaptureArgs {
    /// Write the bundle to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[arg(long, value_name = "DIR", hide = true)]
    pub root: Option<PathBuf>,
    /// Never load the msr/cpuid kernel modules.
    #[arg(long)]
    pub no_modules: bool,
}

#[derive(Debug, Clone, Args)]
pub struct AnalyzeArgs {
    /// A bundle saved by `xenready capture` (or `scan --save-evidence`).
    pub bundle: Option<PathBuf>,
    /// CPUID dump: AIDA64/InstLatx64 text or `cpuid -r` output.
    #[arg(long, value_name = "FILE")]
    pub cpuid: Option<PathBuf>,
    /// SMBIOS: raw DMI table, `dmidecode --dump-bin` file or Windows RSMB.
    #[arg(long, value_name = "FILE")]
    pub dmi: Option<PathBuf>,
    /// ACPI tables: a table file (DMAR, IVRS, APIC ...), a directory of
    /// them (acpixtract output) or `acpidump` text.
    #[arg(long, value_name = "DIR_OR_FILE")]
    pub acpi: Option<PathBuf>,
    /// Kernel log: dmesg, dmesg -T, journalctl -k, kern.log or `xl dmesg`
    /// output. May be repeated.
    #[arg(long, value_name = "FILE")]
    pub dmesg: Vec<PathBuf>,
    /// Output of `xl info` saved in a Xen dom0.
    #[arg(long = "xl-info", value_name = "FILE")]
    pub xl_info: Option<PathBuf>,
    /// Bootloader configuration: extlinux.conf, grub.cfg, menu.lst or
    /// /etc/default/grub. May be repeated.
    #[arg(long = "boot-config", value_name = "FILE")]
    pub boot_config: Vec<PathBuf>,
    /// SMBIOS as `dmidecode` text output (versions 2.2 to 3.6); used when
    /// no binary table is given.
    #[arg(long, value_name = "FILE")]
    pub dmidecode_text: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Ranking: --sort score (the default) puts the highest score first; \
--sort name orders by machine (vendor and product) A to Z, unnamed machines last; \
--sort verdict orders ready, needs-changes, limited, unknown, not-suitable, then by score, \
highest first. Ties are broken by machine name, then serial, then file name.

Reports of one machine (same serial number or SMBIOS UUID) merge into one row that \
keeps the newest capture (then the most complete report) and says which files it merged."
)]
pub struct CompareArgs {
    /// Reports written with `--format json`, bundles written by `xenready
    /// capture`, or directories holding them (not searched recursively;
    /// other files there are skipped with a note on standard error).
    #[arg(required = true, value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CompareFormat::Text)]
    pub format: CompareFormat,
    /// How rows are ranked (see below).
    #[arg(long, value_enum, default_value_t = CompareSort::Score)]
    pub sort: CompareSort,
    /// Xen target that evidence bundles are judged for (a report keeps
    /// the target it was made for).
    #[arg(long, default_value = "xen", value_name = "NAME")]
    pub target: String,
    /// Write the table to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    /// Aligned columns.
    Text,
    /// RFC 4180 CSV with a header row, every field quoted.
    Csv,
    Json,
    /// A pipe table, for tickets and wikis.
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareSort {
    /// Highest score first.
    Score,
    /// Machine name A to Z.
    Name,
    /// Best verdict first, then highest score.
    Verdict,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// Markdown, to paste into a ticket or a wiki page.
    Markdown,
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
