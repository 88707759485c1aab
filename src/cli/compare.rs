//! `xenready compare FILE...`: reads reports, bundles and directories of
//! them, and hands the library a list of entries to rank.

use super::args::{CompareArgs, CompareSort};
use super::{emit, target, Outcome, UsageError};
use std::io::{IsTerminal, Read};
use std::path::Path;
use xenready::bounded::{Over, ReadError};
use xenready::compare::{self, Entry, SortKey};
use xenready::knowledge::{Knowledge, Target};

/// Evidence bundles of large machines run to a few MiB; anything far
/// bigger is not one.
const MAX_INPUT_BYTES: usize = 64 << 20;

pub fn compare(args: CompareArgs) -> anyhow::Result<Outcome> {
    let target = target(&args.target)?;
    let knowledge = Knowledge::builtin();
    let mut entries = Vec::new();
    let mut text_reports = 0;
    for input in &args.inputs {
        if input.as_os_str() == "-" {
            let entry = stdin(entries.len(), knowledge, target)
                .map_err(|reason| UsageError(format!("standard input: {reason}")))?;
            entries.push(entry);
        } else if input.is_dir() {
            text_reports += directory(input, knowledge, target, &mut entries)?;
        } else {
            let entry = file(input, entries.len(), knowledge, target)
                .map_err(|reason| UsageError(format!("{}: {reason}", input.display())))?;
            entries.push(entry);
        }
    }
    if text_reports > 0 {
        eprintln!(
            "xenready: skipped {text_reports} text report{} (*.txt); compare reads the JSON ones",
            if text_reports == 1 { "" } else { "s" }
        );
    }
    if entries.is_empty() {
        return Err(UsageError("no report or evidence bundle to compare".into()).into());
    }
    let sort = match args.sort {
        CompareSort::Score => SortKey::Score,
        CompareSort::Name => SortKey::Name,
        CompareSort::Verdict => SortKey::Verdict,
    };
    let table = compare::build(entries, sort, knowledge);
    let format = compare::FORMATS
        .iter()
        .find(|f| f.name == args.format)
        .ok_or_else(|| UsageError(format!("unknown table format `{}`", args.format)))?;
    let rendered = (format.render)(&table, table_width(args.output.is_some()));
    emit(args.output.as_deref(), rendered.as_bytes())?;
    let exit_code = match (args.check, table.worst_verdict()) {
        (true, Some(worst)) => worst.exit_code(),
        _ => 0,
    };
    Ok(Outcome { exit_code })
}

/// COLUMNS when it is set; else the default width on a terminal; else
/// none, so a table piped to a file or a pager keeps every column.
fn table_width(to_file: bool) -> Option<usize> {
    if std::env::var_os("COLUMNS").is_some() {
        return Some(super::text_width());
    }
    (!to_file && std::io::stdout().is_terminal()).then_some(xenready::render::DEFAULT_WIDTH)
}

/// One report or bundle on standard input, bounded like a file.
fn stdin(index: usize, knowledge: &Knowledge, target: &Target) -> Result<Entry, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8 text: not JSON".to_string())?;
    compare::load("-", &text, index, knowledge, target).map_err(|e| e.to_string())
}

fn too_large() -> String {
    format!(
        "larger than {} MiB: not a report or an evidence bundle",
        MAX_INPUT_BYTES >> 20
    )
}

/// The files directly in `dir`, by name; anything that is not a report
/// or a bundle is skipped with a note, so a fleet directory may hold
/// other files. The stick writes a `.txt` report beside each JSON one:
/// those are only counted (the returned number), as a note per file
/// would bury the notes that matter.
fn directory(
    dir: &Path,
    knowledge: &Knowledge,
    target: &Target,
    entries: &mut Vec<Entry>,
) -> anyhow::Result<usize> {
    let mut text_reports = 0;
    let listing =
        std::fs::read_dir(dir).map_err(|e| UsageError(format!("{}: {e}", dir.display())))?;
    let paths: Vec<_> = listing.filter_map(|e| e.ok().map(|e| e.path())).collect();
    let paths = compare::sorted_by(paths, |a, b| a.cmp(b));
    for path in paths {
        if path.is_dir() {
            skip(
                &path,
                "a directory (compare does not descend into directories)",
            );
            continue;
        }
        if is_text_report(&path) {
            text_reports += 1;
            continue;
        }
        match file(&path, entries.len(), knowledge, target) {
            Ok(entry) => entries.push(entry),
            Err(reason) => skip(&path, &reason),
        }
    }
    Ok(text_reports)
}

/// `NAME.txt` beside `NAME.json`: the stick's text copy of a report
/// this comparison reads anyway. Other `.txt` files get their note.
fn is_text_report(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "txt") && path.with_extension("json").is_file()
}

fn skip(path: &Path, reason: &str) {
    eprintln!(
        "xenready: skipping {}",
        xenready::sanitize::one_line(&format!("{}: {reason}", path.display()))
    );
}

fn file(
    path: &Path,
    index: usize,
    knowledge: &Knowledge,
    target: &Target,
) -> Result<Entry, String> {
    // Through the bounded reader: a FIFO or device in a directory of
    // reports is refused at once instead of blocking the whole comparison.
    let bytes = xenready::bounded::read(path, MAX_INPUT_BYTES, Over::Refuse)
        .map_err(|e| match e {
            ReadError::TooLarge { .. } => too_large(),
            other => other.reason(),
        })?
        .bytes;
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8 text: not JSON".to_string())?;
    let label = path.display().to_string();
    compare::load(&label, &text, index, knowledge, target).map_err(|e| e.to_string())
}
