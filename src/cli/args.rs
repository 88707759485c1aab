//! Command-line parsing, by hand over lexopt. The static binary for USB
//! sticks has a 1.5 MB budget and clap alone took a tenth of it (ripgrep
//! made the same move). Help texts live in `help.rs`.

use super::help;
use super::UsageError;
use lexopt::{Arg, Parser, ValueExt};
use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Debug)]
pub enum Command {
    Scan(ScanArgs),
    Capture(CaptureArgs),
    Analyze(AnalyzeArgs),
    Compare(CompareArgs),
    Explain {
        id: String,
    },
    Checks {
        format: ListFormat,
    },
    Cpu(CpuArgs),
    /// `--help` / `--version`: text for standard output.
    Print(String),
}

#[derive(Debug, Clone)]
pub struct ReportArgs {
    pub format: Format,
    pub output: Option<PathBuf>,
    pub target: String,
    pub color: ColorChoice,
    pub ascii: bool,
    pub check: bool,
}

impl Default for ReportArgs {
    fn default() -> Self {
        ReportArgs {
            format: Format::Text,
            output: None,
            target: "xen".into(),
            color: ColorChoice::Auto,
            ascii: false,
            check: false,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ScanArgs {
    pub report: ReportArgs,
    pub save_evidence: Option<PathBuf>,
    /// Read the machine's files below DIR instead of / (a captured tree);
    /// CPUID is not executed then. Undocumented: for tests.
    pub root: Option<PathBuf>,
    pub no_modules: bool,
    pub redact: bool,
}

#[derive(Debug, Clone, Default)]
pub struct CaptureArgs {
    pub output: Option<PathBuf>,
    pub root: Option<PathBuf>,
    pub no_modules: bool,
    pub redact: bool,
}

#[derive(Debug, Clone, Default)]
pub struct AnalyzeArgs {
    pub bundle: Option<PathBuf>,
    pub cpuid: Option<PathBuf>,
    pub dmi: Option<PathBuf>,
    pub acpi: Option<PathBuf>,
    pub dmesg: Vec<PathBuf>,
    pub xl_info: Option<PathBuf>,
    pub boot_config: Vec<PathBuf>,
    pub dmidecode_text: Option<PathBuf>,
    pub cpuinfo: Option<PathBuf>,
    pub redact: bool,
    pub report: ReportArgs,
}

#[derive(Debug, Clone)]
pub struct CompareArgs {
    pub inputs: Vec<PathBuf>,
    pub format: CompareFormat,
    pub sort: CompareSort,
    pub target: String,
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct CpuArgs {
    pub query: Vec<String>,
    pub format: LookupFormat,
    pub target: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareFormat {
    Text,
    Csv,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareSort {
    Score,
    Name,
    Verdict,
}

const SUBCOMMANDS: &[&str] = &[
    "scan", "capture", "analyze", "compare", "explain", "checks", "cpu", "help",
];

/// Parses the arguments after the program name. Without a subcommand,
/// `xenready [OPTIONS]` is `xenready scan [OPTIONS]`.
pub fn parse(args: Vec<OsString>) -> Result<Command, UsageError> {
    let first = args
        .first()
        .and_then(|a| a.to_str())
        .unwrap_or("")
        .to_string();
    let first = first.as_str();
    let (name, rest) = if SUBCOMMANDS.contains(&first) {
        (first.to_string(), args[1..].to_vec())
    } else if !first.is_empty() && !first.starts_with('-') {
        let hint = super::suggest_word(first, SUBCOMMANDS);
        return Err(UsageError(format!(
            "unknown command `{first}`{hint} (`xenready --help` lists them)"
        )));
    } else {
        ("scan".to_string(), args)
    };
    let mut parser = Parser::from_args(rest);
    match name.as_str() {
        "scan" => scan(&mut parser, first != "scan"),
        "capture" => capture(&mut parser),
        "analyze" => analyze(&mut parser),
        "compare" => compare(&mut parser),
        "explain" => explain(&mut parser),
        "checks" => checks(&mut parser),
        "cpu" => cpu(&mut parser),
        _ => Ok(Command::Print(help::topic(
            parser_values(&mut parser)?.first().map(String::as_str),
        ))),
    }
}

fn scan(parser: &mut Parser, top_level: bool) -> Result<Command, UsageError> {
    let mut args = ScanArgs::default();
    while let Some(owned) = next(parser)? {
        let arg = owned.arg();
        if report_option(parser, &arg, &mut args.report)? {
            continue;
        }
        match arg {
            Arg::Long("save-evidence") => args.save_evidence = Some(path(parser)?),
            Arg::Long("root") => args.root = Some(path(parser)?),
            Arg::Long("no-modules") => args.no_modules = true,
            Arg::Long("redact") => args.redact = true,
            Arg::Short('h') | Arg::Long("help") => {
                return Ok(Command::Print(if top_level {
                    help::MAIN.into()
                } else {
                    help::SCAN.into()
                }))
            }
            Arg::Short('V') | Arg::Long("version") => return Ok(version()),
            other => return Err(unexpected(other, SCAN_OPTIONS)),
        }
    }
    Ok(Command::Scan(args))
}

const REPORT_OPTIONS: &[&str] = &["format", "output", "target", "color", "ascii", "check"];
const SCAN_OPTIONS: &[&str] = &[
    "format",
    "output",
    "target",
    "color",
    "ascii",
    "check",
    "save-evidence",
    "no-modules",
    "redact",
    "help",
    "version",
];

/// Consumes an option shared by every command that writes a report.
fn report_option(
    parser: &mut Parser,
    arg: &Arg,
    report: &mut ReportArgs,
) -> Result<bool, UsageError> {
    match arg {
        Arg::Long("format") => {
            report.format = choice(
                parser,
                "--format",
                &[
                    ("text", Format::Text),
                    ("json", Format::Json),
                    ("markdown", Format::Markdown),
                ],
            )?
        }
        Arg::Short('o') | Arg::Long("output") => report.output = Some(path(parser)?),
        Arg::Long("target") => report.target = string(parser)?,
        Arg::Long("color") => {
            report.color = choice(
                parser,
                "--color",
                &[
                    ("auto", ColorChoice::Auto),
                    ("always", ColorChoice::Always),
                    ("never", ColorChoice::Never),
                ],
            )?
        }
        Arg::Long("ascii") => report.ascii = true,
        Arg::Long("check") => report.check = true,
        _ => return Ok(false),
    }
    Ok(true)
}

fn capture(parser: &mut Parser) -> Result<Command, UsageError> {
    let mut args = CaptureArgs::default();
    while let Some(owned) = next(parser)? {
        let arg = owned.arg();
        match arg {
            Arg::Short('o') | Arg::Long("output") => args.output = Some(path(parser)?),
            Arg::Long("root") => args.root = Some(path(parser)?),
            Arg::Long("no-modules") => args.no_modules = true,
            Arg::Long("redact") => args.redact = true,
            Arg::Short('h') | Arg::Long("help") => return Ok(Command::Print(help::CAPTURE.into())),
            other => {
                return Err(unexpected(
                    other,
                    &["output", "no-modules", "redact", "help"],
                ))
            }
        }
    }
    Ok(Command::Capture(args))
}

fn analyze(parser: &mut Parser) -> Result<Command, UsageError> {
    let mut args = AnalyzeArgs::default();
    while let Some(owned) = next(parser)? {
        let arg = owned.arg();
        if report_option(parser, &arg, &mut args.report)? {
            continue;
        }
        match arg {
            Arg::Long("cpuid") => args.cpuid = Some(path(parser)?),
            Arg::Long("dmi") => args.dmi = Some(path(parser)?),
            Arg::Long("acpi") => args.acpi = Some(path(parser)?),
            Arg::Long("dmesg") => args.dmesg.push(path(parser)?),
            Arg::Long("xl-info") => args.xl_info = Some(path(parser)?),
            Arg::Long("boot-config") => args.boot_config.push(path(parser)?),
            Arg::Long("dmidecode-text") => args.dmidecode_text = Some(path(parser)?),
            Arg::Long("cpuinfo") => args.cpuinfo = Some(path(parser)?),
            Arg::Long("redact") => args.redact = true,
            Arg::Short('h') | Arg::Long("help") => return Ok(Command::Print(help::ANALYZE.into())),
            Arg::Value(bundle) if args.bundle.is_none() => args.bundle = Some(bundle.into()),
            other => {
                let mut known = REPORT_OPTIONS.to_vec();
                known.extend([
                    "cpuid",
                    "dmi",
                    "acpi",
                    "dmesg",
                    "xl-info",
                    "boot-config",
                    "dmidecode-text",
                    "cpuinfo",
                    "redact",
                    "help",
                ]);
                return Err(unexpected(other, &known));
            }
        }
    }
    Ok(Command::Analyze(args))
}

fn compare(parser: &mut Parser) -> Result<Command, UsageError> {
    let mut args = CompareArgs {
        inputs: Vec::new(),
        format: CompareFormat::Text,
        sort: CompareSort::Score,
        target: "xen".into(),
        output: None,
    };
    while let Some(owned) = next(parser)? {
        let arg = owned.arg();
        match arg {
            Arg::Long("format") => {
                args.format = choice(
                    parser,
                    "--format",
                    &[
                        ("text", CompareFormat::Text),
                        ("csv", CompareFormat::Csv),
                        ("json", CompareFormat::Json),
                        ("markdown", CompareFormat::Markdown),
                    ],
                )?
            }
            Arg::Long("sort") => {
                args.sort = choice(
                    parser,
                    "--sort",
                    &[
                        ("score", CompareSort::Score),
                        ("name", CompareSort::Name),
                        ("verdict", CompareSort::Verdict),
                    ],
                )?
            }
            Arg::Long("target") => args.target = string(parser)?,
            Arg::Short('o') | Arg::Long("output") => args.output = Some(path(parser)?),
            Arg::Short('h') | Arg::Long("help") => return Ok(Command::Print(help::COMPARE.into())),
            Arg::Value(input) => args.inputs.push(input.into()),
            other => {
                return Err(unexpected(
                    other,
                    &["format", "sort", "target", "output", "help"],
                ))
            }
        }
    }
    if args.inputs.is_empty() {
        return Err(UsageError(
            "compare needs at least one report, bundle or directory".into(),
        ));
    }
    Ok(Command::Compare(args))
}

fn explain(parser: &mut Parser) -> Result<Command, UsageError> {
    let mut id = None;
    while let Some(owned) = next(parser)? {
        let arg = owned.arg();
        match arg {
            Arg::Short('h') | Arg::Long("help") => return Ok(Command::Print(help::EXPLAIN.into())),
            Arg::Value(value) if id.is_none() => id = Some(text(value)?),
            other => return Err(unexpected(other, &["help"])),
        }
    }
    let id = id.ok_or_else(|| {
        UsageError("explain needs a check id (`xenready checks` lists them)".into())
    })?;
    Ok(Command::Explain { id })
}

fn checks(parser: &mut Parser) -> Result<Command, UsageError> {
    let mut format = ListFormat::Text;
    while let Some(owned) = next(parser)? {
        let arg = owned.arg();
        match arg {
            Arg::Long("format") => {
                format = choice(
                    parser,
                    "--format",
                    &[
                        ("text", ListFormat::Text),
                        ("markdown", ListFormat::Markdown),
                        ("json", ListFormat::Json),
                    ],
                )?
            }
            Arg::Short('h') | Arg::Long("help") => return Ok(Command::Print(help::CHECKS.into())),
            other => return Err(unexpected(other, &["format", "help"])),
        }
    }
    Ok(Command::Checks { format })
}

fn cpu(parser: &mut Parser) -> Result<Command, UsageError> {
    let mut args = CpuArgs {
        query: Vec::new(),
        format: LookupFormat::Text,
        target: "xen".into(),
    };
    while let Some(owned) = next(parser)? {
        let arg = owned.arg();
        match arg {
            Arg::Long("format") => {
                args.format = choice(
                    parser,
                    "--format",
                    &[("text", LookupFormat::Text), ("json", LookupFormat::Json)],
                )?
            }
            Arg::Long("target") => args.target = string(parser)?,
            Arg::Short('h') | Arg::Long("help") => return Ok(Command::Print(help::CPU.into())),
            Arg::Value(word) => args.query.push(text(word)?),
            other => return Err(unexpected(other, &["format", "target", "help"])),
        }
    }
    if args.query.is_empty() {
        return Err(UsageError(
            "cpu needs a processor: a brand string, a model number (X5570) or a codename".into(),
        ));
    }
    Ok(Command::Cpu(args))
}

fn version() -> Command {
    Command::Print(format!("xenready {}\n", env!("CARGO_PKG_VERSION")))
}

fn parser_values(parser: &mut Parser) -> Result<Vec<String>, UsageError> {
    let mut values = Vec::new();
    while let Some(owned) = next(parser)? {
        let arg = owned.arg();
        if let Arg::Value(value) = arg {
            values.push(text(value)?);
        }
    }
    Ok(values)
}

/// An argument that owns its text, so the parser is free to read the
/// option's value while the argument is being matched.
enum Owned {
    Long(String),
    Short(char),
    Value(OsString),
}

impl Owned {
    fn arg(&self) -> Arg<'_> {
        match self {
            Owned::Long(name) => Arg::Long(name),
            Owned::Short(c) => Arg::Short(*c),
            Owned::Value(value) => Arg::Value(value.clone()),
        }
    }
}

fn next(parser: &mut Parser) -> Result<Option<Owned>, UsageError> {
    Ok(parser.next().map_err(usage)?.map(|arg| match arg {
        Arg::Long(name) => Owned::Long(name.to_string()),
        Arg::Short(c) => Owned::Short(c),
        Arg::Value(value) => Owned::Value(value),
    }))
}

fn usage(error: lexopt::Error) -> UsageError {
    UsageError(error.to_string())
}

fn path(parser: &mut Parser) -> Result<PathBuf, UsageError> {
    parser.value().map(PathBuf::from).map_err(usage)
}

fn string(parser: &mut Parser) -> Result<String, UsageError> {
    text(parser.value().map_err(usage)?)
}

fn text(value: OsString) -> Result<String, UsageError> {
    value.string().map_err(usage)
}

fn choice<T: Copy>(
    parser: &mut Parser,
    option: &str,
    choices: &[(&str, T)],
) -> Result<T, UsageError> {
    let value = string(parser)?;
    choices
        .iter()
        .find(|(name, _)| *name == value)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
            UsageError(format!(
                "invalid value `{value}` for {option} (possible values: {})",
                names.join(", ")
            ))
        })
}

/// An option or value this command does not take, with a did-you-mean.
fn unexpected(arg: Arg, known: &[&str]) -> UsageError {
    match arg {
        Arg::Long(name) => {
            let hint =
                super::suggest_word(name, known).replace("did you mean `", "did you mean `--");
            UsageError(format!("unknown option `--{name}`{hint} (see `--help`)"))
        }
        Arg::Short(c) => UsageError(format!("unknown option `-{c}` (see `--help`)")),
        Arg::Value(value) => UsageError(format!(
            "unexpected argument `{}` (see `--help`)",
            value.to_string_lossy()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(args: &[&str]) -> Result<Command, UsageError> {
        parse(args.iter().map(OsString::from).collect())
    }

    #[test]
    fn no_subcommand_means_scan_with_its_options() {
        let Ok(Command::Scan(args)) = parse_str(&["--format", "json", "--check", "-o", "r.json"])
        else {
            panic!("not a scan")
        };
        assert_eq!(args.report.format, Format::Json);
        assert!(args.report.check);
        assert_eq!(args.report.output, Some(PathBuf::from("r.json")));
        assert!(matches!(parse_str(&[]), Ok(Command::Scan(_))));
    }

    #[test]
    fn analyze_takes_a_bundle_and_repeated_imports() {
        let Ok(Command::Analyze(args)) = parse_str(&[
            "analyze",
            "b.json",
            "--dmesg",
            "a",
            "--dmesg=b",
            "--boot-config",
            "c",
            "--target",
            "xcp-ng-8.3",
        ]) else {
            panic!("not analyze")
        };
        assert_eq!(args.bundle, Some(PathBuf::from("b.json")));
        assert_eq!(args.dmesg.len(), 2);
        assert_eq!(args.boot_config.len(), 1);
        assert_eq!(args.report.target, "xcp-ng-8.3");
        assert!(!args.redact);
    }

    #[test]
    fn redact_is_a_flag_of_scan_capture_and_analyze() {
        let Ok(Command::Analyze(args)) = parse_str(&["analyze", "--cpuinfo", "c", "--redact"])
        else {
            panic!("not analyze")
        };
        assert!(args.redact);
        assert_eq!(args.cpuinfo, Some(PathBuf::from("c")));
        assert!(matches!(parse_str(&["--redact"]), Ok(Command::Scan(a)) if a.redact));
        assert!(matches!(parse_str(&["capture", "--redact"]), Ok(Command::Capture(a)) if a.redact));
    }

    #[test]
    fn mistakes_are_one_line_with_a_suggestion() {
        let error = parse_str(&["--fromat", "json"]).unwrap_err().0;
        assert!(error.contains("did you mean `--format`"), "{error}");
        let error = parse_str(&["--format", "yaml"]).unwrap_err().0;
        assert!(
            error.contains("possible values: text, json, markdown"),
            "{error}"
        );
        let error = parse_str(&["analyse"]).unwrap_err().0;
        assert!(error.contains("did you mean `analyze`"), "{error}");
        assert!(parse_str(&["cpu"]).is_err());
        assert!(parse_str(&["compare"]).is_err());
    }

    #[test]
    fn help_and_version_print() {
        for args in [
            &["--help"][..],
            &["scan", "-h"],
            &["analyze", "--help"],
            &["help", "compare"],
        ] {
            assert!(matches!(parse_str(args), Ok(Command::Print(_))), "{args:?}");
        }
        let Ok(Command::Print(version)) = parse_str(&["--version"]) else {
            panic!()
        };
        assert!(version.starts_with("xenready "));
    }
}
