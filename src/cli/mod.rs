//! Command-line glue: parse, run the library pipeline, write the result.

pub mod args;
mod compare;
mod cpu;
mod docs;
mod help;

use anyhow::Context as _;
use args::{AnalyzeArgs, CaptureArgs, ColorChoice, Command, Format, ReportArgs, ScanArgs};
use std::io::{IsTerminal, Write};
use std::path::Path;
use xenready::collect::{self, CollectOptions};
use xenready::evidence::{Evidence, Origin};
use xenready::knowledge::{Knowledge, Target};
use xenready::output::write_atomic;
use xenready::render::{self, Style, Symbols};
use xenready::report::Report;

/// A mistake in how xenready was called or in the input it was given: exit
/// status 2 with a one-line message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// "; did you mean `x`?" when `word` is a near miss of a known one.
pub fn suggest_word(word: &str, known: &[&str]) -> String {
    xenready::suggest::closest(word, known.iter().copied())
        .map(|w| format!("; did you mean `{w}`?"))
        .unwrap_or_default()
}

/// What `main` should exit with after a successful run.
pub struct Outcome {
    pub exit_code: u8,
}

pub fn run(command: Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Print(text) => {
            emit(None, text.as_bytes())?;
            Ok(Outcome { exit_code: 0 })
        }
        Command::Scan(args) => scan(args),
        Command::Capture(args) => capture(args),
        Command::Analyze(args) => analyze(args),
        Command::Compare(args) => compare::compare(args),
        Command::Explain { id } => {
            emit(None, docs::explain(&id)?.as_bytes())?;
            Ok(Outcome { exit_code: 0 })
        }
        Command::Checks { format } => {
            emit(None, docs::list(format).as_bytes())?;
            Ok(Outcome { exit_code: 0 })
        }
        Command::Cpu(args) => {
            let target = target(&args.target)?;
            emit(None, cpu::run(&args, target)?.as_bytes())?;
            Ok(Outcome { exit_code: 0 })
        }
    }
}

fn collect_options(root: Option<&Path>, no_modules: bool) -> CollectOptions {
    let options = match root {
        Some(root) => CollectOptions {
            root: root.to_path_buf(),
            cpuid: false,
            ..CollectOptions::default()
        },
        None => CollectOptions::default(),
    };
    CollectOptions {
        load_modules: options.load_modules && !no_modules,
        ..options
    }
}

fn scan(args: ScanArgs) -> anyhow::Result<Outcome> {
    let target = target(&args.report.target)?;
    let mut evidence = collect::collect(&collect_options(args.root.as_deref(), args.no_modules));
    if args.redact {
        xenready::redact::redact(&mut evidence);
    }
    if let Some(path) = &args.save_evidence {
        write_atomic(path, bundle_json(&evidence).as_bytes())
            .with_context(|| format!("cannot write the evidence bundle to {}", path.display()))?;
    }
    report(&evidence, target, &args.report)
}

fn capture(args: CaptureArgs) -> anyhow::Result<Outcome> {
    let mut evidence = collect::collect(&collect_options(args.root.as_deref(), args.no_modules));
    if args.redact {
        xenready::redact::redact(&mut evidence);
    }
    emit(args.output.as_deref(), bundle_json(&evidence).as_bytes())?;
    Ok(Outcome { exit_code: 0 })
}

fn analyze(args: AnalyzeArgs) -> anyhow::Result<Outcome> {
    let target = target(&args.report.target)?;
    let mut evidence = match &args.bundle {
        Some(path) => read_bundle(path)?,
        None => Evidence::new(Origin::Import),
    };
    let nothing_to_import = args.cpuid.is_none()
        && args.dmi.is_none()
        && args.dmidecode_text.is_none()
        && args.cpuinfo.is_none()
        && args.acpi.is_none()
        && args.dmesg.is_empty()
        && args.xl_info.is_none()
        && args.boot_config.is_empty();
    if args.bundle.is_none() && nothing_to_import {
        return Err(UsageError(
            "analyze needs a bundle or at least one file to import (--cpuid, --dmi, \
             --dmidecode-text, --cpuinfo, --acpi, --dmesg, --xl-info, --boot-config)"
                .into(),
        )
        .into());
    }
    let import_error = |e: xenready::import::ImportError| UsageError(e.to_string());
    if let Some(path) = &args.cpuid {
        xenready::import::cpuid_file(&mut evidence, path).map_err(import_error)?;
    }
    if let Some(path) = &args.dmi {
        xenready::import::dmi_file(&mut evidence, path).map_err(import_error)?;
    }
    if let Some(path) = &args.dmidecode_text {
        xenready::import::dmidecode_text_file(&mut evidence, path).map_err(import_error)?;
    }
    if let Some(path) = &args.cpuinfo {
        xenready::import::cpuinfo::cpuinfo_file(&mut evidence, path).map_err(import_error)?;
    }
    if let Some(path) = &args.acpi {
        xenready::import::acpi_path(&mut evidence, path).map_err(import_error)?;
    }
    for path in &args.dmesg {
        xenready::import::dmesg::dmesg_file(&mut evidence, path).map_err(import_error)?;
    }
    if let Some(path) = &args.xl_info {
        xenready::import::xl_info::xl_info_file(&mut evidence, path).map_err(import_error)?;
    }
    for path in &args.boot_config {
        xenready::import::boot_config::boot_config_file(&mut evidence, path)
            .map_err(import_error)?;
    }
    if evidence.meta.origin == Origin::Import {
        xenready::import::declare_missing_sources(&mut evidence);
    }
    if args.redact {
        xenready::redact::redact(&mut evidence);
    }
    report(&evidence, target, &args.report)
}

fn read_bundle(path: &Path) -> anyhow::Result<Evidence> {
    use xenready::evidence::BundleError;
    Evidence::from_path(path).map_err(|e| {
        let message = match &e {
            BundleError::Read(_) => e.to_string(),
            BundleError::NotJson { .. } => format!("{}:{e}", path.display()),
            BundleError::Unsupported { .. } => format!("{}: {e}", path.display()),
        };
        UsageError(message).into()
    })
}

fn bundle_json(evidence: &Evidence) -> String {
    let mut text = serde_json::to_string(evidence).unwrap_or_default();
    text.push('\n');
    text
}

fn target(id: &str) -> anyhow::Result<&'static Target> {
    let knowledge = Knowledge::builtin();
    knowledge.target(id).ok_or_else(|| {
        let ids: Vec<&str> = knowledge.targets.iter().map(|t| t.id.as_str()).collect();
        UsageError(format!(
            "unknown target `{id}`; known targets: {}",
            ids.join(", ")
        ))
        .into()
    })
}

fn report(evidence: &Evidence, target: &Target, args: &ReportArgs) -> anyhow::Result<Outcome> {
    let report: Report = xenready::analyze(evidence, Knowledge::builtin(), target);
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let rendered = match args.format {
        Format::Json => render::json(&report),
        Format::Markdown => render::markdown(&report, &target.name),
        Format::Text => {
            let style = Style {
                color: use_color(args.color, to_terminal),
                symbols: if args.ascii {
                    Symbols::Ascii
                } else {
                    Symbols::Unicode
                },
                width: text_width(),
            };
            render::text(&report, &target.name, &style)
        }
    };
    emit(args.output.as_deref(), rendered.as_bytes())?;
    Ok(Outcome {
        exit_code: if args.check {
            report.verdict.exit_code()
        } else {
            0
        },
    })
}

/// `COLUMNS` when the environment sets a sane one (the boot stick sets 80
/// for the VGA console), else the default.
fn text_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| (40..=400).contains(w))
        .unwrap_or(render::DEFAULT_WIDTH)
}

fn use_color(choice: ColorChoice, to_terminal: bool) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Never => false,
        ColorChoice::Always => !no_color,
        ColorChoice::Auto => {
            to_terminal && !no_color && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// Writes to FILE atomically, or to standard output.
fn emit(path: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match path {
        Some(path) => {
            write_atomic(path, bytes).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(bytes)?;
            stdout.flush()?;
            Ok(())
        }
    }
}
