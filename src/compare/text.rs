//! The fleet table for a terminal, fitted to a width: a fleet's table
//! with every column is some 400 characters wide, which wraps into noise
//! on a console. Long cells are cut first (with `…`), then the columns a
//! reader can best do without are left out, and a line under the table
//! says which.

use super::format::{cells, headers, mixed_targets, notes, terminal};
use super::table::Table;
use std::fmt::Write;

/// Blanks between columns.
const GAP: usize = 2;
/// Cells are cut to this many characters before any column is left out
/// (a machine name or a finding id stays readable)...
const COMFORT: usize = 16;
/// ...and to this many once no column is left to leave out.
const MIN_CUT: usize = 8;

/// Columns whose cells may be cut to fit.
const CUTTABLE: [&str; 6] = [
    "Machine",
    "Serial",
    "CPU",
    "Findings",
    "Top problem",
    "File",
];

/// Columns left out to fit, the first first. `#`, the machine, the
/// capabilities, the verdict, the score and the finding ids always stay.
const DROP_ORDER: [&str; 6] = ["File", "Top problem", "Serial", "RAM", "S x C x T", "CPU"];

/// Every column at its natural width.
pub fn text(table: &Table) -> String {
    fitted(table, None)
}

/// Fitted to `width` characters a line when given.
pub fn fitted(table: &Table, width: Option<usize>) -> String {
    let with_target = mixed_targets(table);
    let mut grid = vec![headers(table, with_target)];
    let clean = |s: &str| terminal(s);
    for row in &table.rows {
        let mut c = cells(table, row, with_target, &clean);
        for cell in &mut c {
            if cell.is_empty() {
                *cell = "-".into();
            }
        }
        grid.push(c);
    }
    let header = grid.first().cloned().unwrap_or_default();
    let (keep, widths) = layout(&grid, &header, width.unwrap_or(usize::MAX));
    let mut out = String::new();
    for line in &grid {
        let mut text = String::new();
        for (&i, &w) in keep.iter().zip(&widths) {
            let cell = cut(line.get(i).map_or("", String::as_str), w);
            let pad = w.saturating_sub(cell.chars().count());
            let _ = write!(text, "{cell}{}{}", " ".repeat(pad), " ".repeat(GAP));
        }
        let _ = writeln!(out, "{}", text.trim_end());
    }
    let left_out: Vec<&str> = (0..header.len())
        .filter(|i| !keep.contains(i))
        .filter_map(|i| header.get(i).map(String::as_str))
        .collect();
    let limit = width.unwrap_or(usize::MAX);
    if !left_out.is_empty() {
        let note = format!(
            "Left out to fit {limit} columns: {} (--format csv or json has them all).",
            left_out.join(", ")
        );
        wrap(&mut out, &note, limit, "");
    }
    let notes = notes(table, &clean);
    if !notes.is_empty() {
        let _ = writeln!(out, "\nNotes:");
        for note in notes {
            wrap(&mut out, &note, limit, "  ");
        }
    }
    out
}

/// Which columns to show and how wide each is.
fn layout(grid: &[Vec<String>], header: &[String], limit: usize) -> (Vec<usize>, Vec<usize>) {
    let mut keep: Vec<usize> = (0..header.len()).collect();
    // Then the per-target verdicts, the last first (the report's own
    // target keeps its `Verdict` column).
    let per_target = (0..header.len())
        .rev()
        .filter(|&i| header.get(i).is_some_and(|h| h.starts_with("Verdict (")));
    let mut drops = DROP_ORDER
        .iter()
        .filter_map(|name| header.iter().position(|h| h == name))
        .chain(per_target);
    let mut floor = COMFORT;
    loop {
        let mut widths: Vec<usize> = keep
            .iter()
            .map(|&i| {
                grid.iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| c.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let gaps = GAP * keep.len().saturating_sub(1);
        let mut total = widths.iter().sum::<usize>() + gaps;
        while total > limit {
            // Cut the widest cuttable column by one.
            let widest = keep
                .iter()
                .zip(&widths)
                .enumerate()
                .filter(|(_, (&i, &w))| {
                    w > floor
                        && header
                            .get(i)
                            .is_some_and(|h| CUTTABLE.contains(&h.as_str()))
                })
                .max_by_key(|(_, (_, &w))| w)
                .map(|(k, _)| k);
            match widest.and_then(|k| widths.get_mut(k)) {
                Some(w) => {
                    *w -= 1;
                    total -= 1;
                }
                None => break,
            }
        }
        if total <= limit {
            return (keep, widths);
        }
        match drops.next() {
            Some(column) => keep.retain(|&i| i != column),
            None if floor > MIN_CUT => floor = MIN_CUT,
            None => return (keep, widths),
        }
    }
}

/// `text` as lines of at most `width` characters, each starting with
/// `indent`, broken at blanks; a word longer than a line is cut.
fn wrap(out: &mut String, text: &str, width: usize, indent: &str) {
    let room = width.saturating_sub(indent.len()).max(MIN_CUT);
    let mut line = String::new();
    for word in text.split(' ') {
        let word = cut(word, room);
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if !line.is_empty() && needed > room {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    let _ = writeln!(out, "{indent}{line}");
}

/// `cell` in at most `width` characters, ending in `…` when cut.
fn cut(cell: &str, width: usize) -> String {
    if cell.chars().count() <= width {
        return cell.to_string();
    }
    let kept: String = cell.chars().take(width.saturating_sub(1)).collect();
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_cell_ends_in_an_ellipsis_and_fits() {
        assert_eq!(cut("Intel(R) Xeon(R) CPU E5-2680", 10), "Intel(R) …");
        assert_eq!(cut("short", 10), "short");
    }

    #[test]
    fn wrapped_lines_fit() {
        let mut out = String::new();
        wrap(&mut out, "one two three four five six", 12, "  ");
        assert_eq!(out, "  one two\n  three four\n  five six\n");
    }
}
