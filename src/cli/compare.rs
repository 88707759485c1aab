//! `xenready compare FILE...`: reads reports, bundles and directories of
//! them, and hands the library a list of entries to rank.

use super::args::{CompareArgs, CompareSort};
use super::{emit, target, Outcome, UsageError};
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
    for input in &args.inputs {
        if input.is_dir() {
            directory(input, knowledge, target, &mut entries)?;
        } else {
            let entry = file(input, entries.len(), knowledge, target)
                .map_err(|reason| UsageError(format!("{}: {reason}", input.display())))?;
            entries.push(entry);
        }
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
    let rendered = (format.render)(&table);
    emit(args.output.as_deref(), rendered.as_bytes())?;
    Ok(Outcome { exit_code: 0 })
}

/// The files directly in `dir`, by name; anything that is not a report
/// or a bundle is skipped with a note, so a fleet directory may hold
/// other files.
fn directory(
    dir: &Path,
    knowledge: &Knowledge,
    target: &Target,
    entries: &mut Vec<Entry>,
) -> anyhow::Result<()> {
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
        match file(&path, entries.len(), knowledge, target) {
            Ok(entry) => entries.push(entry),
            Err(reason) => skip(&path, &reason),
        }
    }
    Ok(())
}

fn skip(path: &Path, reason: &str) {
    eprintln!("xenready: skipping {}: {reason}", path.display());
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
            ReadError::TooLarge { .. } => format!(
                "larger than {} MiB: not a report or an evidence bundle",
                MAX_INPUT_BYTES >> 20
            ),
            other => other.to_string(),
        })?
        .bytes;
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8 text: not JSON".to_string())?;
    let label = path.display().to_string();
    compare::load(&label, &text, index, knowledge, target).map_err(|e| e.to_string())
}
