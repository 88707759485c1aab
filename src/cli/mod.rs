//! Command-line glue: parse, run the library pipeline, write the result.

pub mod args;
mod compare;
mod cpu;
mod docs;
mod generate;
mod imports;

use anyhow::Context as _;
use args::{AnalyzeArgs, CaptureArgs, Cli, ColorChoice, Command, ReportArgs, ScanArgs};
use std::io::{IsTerminal, Write};
use std::path::Path;
use xenready::collect::{self, CollectOptions};
use xenready::evidence::{Evidence, Origin};
use xenready::knowledge::{Knowledge, Target};
use xenready::output::write_atomic;
use xenready::render::{self, RenderOptions, Style, Symbols};
use xenready::report::Report;

/// A mistake in how xenready was called or in the input it was given: exit
/// status 2 with a one-line message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// What `main` should exit with after a successful run.
pub struct Outcome {
    pub exit_code: u8,
}

const DONE: Outcome = Outcome { exit_code: 0 };

pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let Some(command) = cli.command else {
        return scan(cli.scan);
    };
    match command {
        Command::Scan(args) => scan(args),
        Command::Capture(args) => capture(args),
        Command::Analyze(args) => analyze(args),
        Command::Compare(args) => compare::compare(args),
        Command::Explain(args) => emit(None, docs::explain(&args.id)?.as_bytes()).map(|()| DONE),
        Command::Checks(args) => emit(None, docs::list(args.format).as_bytes()).map(|()| DONE),
        Command::Cpu(args) => {
            let target = target(&args.target)?;
            emit(None, cpu::run(&args, target)?.as_bytes()).map(|()| DONE)
        }
        Command::Completions(args) => emit(None, &generate::completions(args.shell)).map(|()| DONE),
        Command::Man(args) => match &args.dir {
            Some(dir) => {
                for file in generate::man_pages(dir)? {
                    eprintln!(
                        "xenready: wrote {}",
                        xenready::sanitize::one_line(&dir.join(file).display().to_string())
                    );
                }
                Ok(DONE)
            }
            None => emit(None, &generate::man_page()?).map(|()| DONE),
        },
    }
}

fn collect_options(machine: &args::MachineArgs) -> CollectOptions {
    let (root, no_modules) = (machine.root.as_deref(), machine.no_modules);
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
    let mut evidence = collect::collect(&collect_options(&args.machine));
    if args.machine.redact {
        xenready::redact::redact(&mut evidence);
    }
    if let Some(path) = &args.save_evidence {
        write_atomic(path, bundle_json(&evidence).as_bytes())
            .with_context(|| format!("cannot write the evidence bundle to {}", path.display()))?;
    }
    report(&evidence, target, &args.report)
}

fn capture(args: CaptureArgs) -> anyhow::Result<Outcome> {
    let mut evidence = collect::collect(&collect_options(&args.machine));
    if args.machine.redact {
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
    if args.bundle.is_none() && args.imports.is_empty() {
        return Err(UsageError(format!(
            "analyze needs a bundle or at least one file to import ({})",
            imports::Imports::flag_list()
        ))
        .into());
    }
    for (importer, paths) in &args.imports.0 {
        for path in paths {
            (importer.run)(&mut evidence, path).map_err(|e| UsageError(e.to_string()))?;
        }
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
    xenready::sanitize::json(text)
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
    let to_terminal =
        file_output(args.output.as_deref()).is_none() && std::io::stdout().is_terminal();
    let format = render::format(&args.format)
        .ok_or_else(|| UsageError(format!("unknown report format `{}`", args.format)))?;
    let options = RenderOptions {
        target_name: &target.name,
        style: Style {
            color: use_color(args.color, to_terminal),
            symbols: if args.ascii {
                Symbols::Ascii
            } else {
                Symbols::Unicode
            },
            width: text_width(),
        },
    };
    let rendered = (format.render)(&report, &options);
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
    match choice {
        ColorChoice::Never => false,
        // An explicit flag is the user's latest word; NO_COLOR only sets
        // the default.
        ColorChoice::Always => true,
        ColorChoice::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            to_terminal && !no_color && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// Set by `guard_stdout` when xenready started with descriptor 1 closed.
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// With descriptor 1 closed (`xenready >&-`) Rust's start-up code opens
/// `/dev/null` read-write in its place, so the report would vanish with
/// exit 0. A shell redirect to `/dev/null` opens it write-only: a read-write
/// `/dev/null` at descriptor 1 is taken for a closed standard output.
pub fn guard_stdout() {
    use nix::fcntl::{fcntl, FcntlArg, OFlag};
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let read_write = fcntl(1, FcntlArg::F_GETFL)
        .is_ok_and(|f| OFlag::from_bits_truncate(f) & OFlag::O_ACCMODE == OFlag::O_RDWR);
    let null = std::fs::metadata("/dev/null").ok();
    let is_null = nix::sys::stat::fstat(1).is_ok_and(|st| {
        null.is_some_and(|n| n.file_type().is_char_device() && st.st_rdev == n.rdev())
    });
    if read_write && is_null {
        STDOUT_CLOSED.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// `-o -` is standard output, as for most tools.
fn file_output(path: Option<&Path>) -> Option<&Path> {
    path.filter(|p| p.as_os_str() != "-")
}

/// Writes to FILE atomically, or to standard output.
fn emit(path: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match file_output(path) {
        Some(path) => {
            write_atomic(path, bytes).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            if STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed) {
                anyhow::bail!("cannot write the output: standard output is closed");
            }
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(bytes)?;
            stdout.flush()?;
            Ok(())
        }
    }
}
