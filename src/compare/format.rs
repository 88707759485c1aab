//! A table in four formats. Text and Markdown show strings from the
//! machines, so every one of them is sanitised (and, for Markdown,
//! escaped); CSV and JSON carry them as data, quoted or escaped by format.

use super::columns::CAPABILITY_COLUMNS;
use super::table::{Row, Table};
use crate::render::markdown::escape;
use crate::sanitize::for_terminal;
use std::fmt::Write;

/// The columns, in order, as (CSV header, text/Markdown header).
pub(super) fn headers(table: &Table, with_target: bool) -> Vec<String> {
    let mut h: Vec<String> = ["#", "Machine", "Serial", "CPU", "S x C x T", "RAM"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    h.extend(CAPABILITY_COLUMNS.iter().map(|c| c.key().to_uppercase()));
    if with_target {
        h.push("Target".into());
    }
    h.push("Verdict".into());
    h.extend(
        table
            .target_ids
            .iter()
            .map(|id| format!("Verdict ({})", for_terminal(id))),
    );
    h.extend(["Score", "Findings", "Top problem", "File"].map(String::from));
    h
}

/// Whether rows were judged for different targets, which only then needs
/// its own column.
pub(super) fn mixed_targets(table: &Table) -> bool {
    let mut targets = table.rows.iter().map(|r| &r.target);
    match targets.next() {
        Some(first) => targets.any(|t| t != first),
        None => false,
    }
}

fn topology(row: &Row) -> String {
    if row.sockets.is_none() && row.cores.is_none() && row.threads.is_none() {
        return String::new();
    }
    let n = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_else(|| "?".into());
    format!("{}x{}x{}", n(row.sockets), n(row.cores), n(row.threads))
}

fn ram(row: &Row) -> String {
    let Some(mib) = row.ram_mib else {
        return String::new();
    };
    let amount = if mib >= 1024 && mib % 1024 == 0 {
        format!("{} GiB", mib / 1024)
    } else if mib >= 1024 {
        format!("{:.1} GiB", mib as f64 / 1024.0)
    } else {
        format!("{mib} MiB")
    };
    match row.ram_source {
        Some("os") => format!("{amount} (OS)"),
        _ => amount,
    }
}

fn score(value: Option<u32>) -> String {
    value.map(|s| s.to_string()).unwrap_or_default()
}

/// Display cells of one row; `clean` makes each untrusted string safe for
/// the format.
pub(super) fn cells(
    table: &Table,
    row: &Row,
    with_target: bool,
    clean: &dyn Fn(&str) -> String,
) -> Vec<String> {
    let opt = |v: &Option<String>| v.as_deref().map(clean).unwrap_or_default();
    let mut c = vec![
        row.rank.to_string(),
        clean(&row.machine),
        opt(&row.serial),
        opt(&row.cpu),
        topology(row),
        ram(row),
    ];
    c.extend(row.capabilities.states().map(clean));
    if with_target {
        c.push(opt(&row.target));
    }
    c.push(clean(shown_verdict(row)));
    for id in &table.target_ids {
        c.push(match row.targets.get(id) {
            Some(cell) => match cell.score {
                Some(s) => format!("{} {s}", clean(&cell.verdict)),
                None => clean(&cell.verdict),
            },
            None => String::new(),
        });
    }
    c.push(score(row.score));
    c.push(clean(&row.finding_ids.join(" ")));
    c.push(opt(&row.top_problem));
    c.push(row.files.first().map(|f| clean(f)).unwrap_or_default());
    c
}

/// `conflict` for a row whose merged reports disagree (its JSON verdict
/// is `unknown`, with the claims under `conflict`).
fn shown_verdict(row: &Row) -> &str {
    match row.conflict {
        Some(_) => "conflict",
        None => &row.verdict,
    }
}

/// One terminal line: no control characters, runs of blanks squeezed
/// (CPU brands pad with spaces).
pub(super) fn terminal(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    for_terminal(&words.join(" ")).into_owned()
}

pub(super) fn notes(table: &Table, clean: &dyn Fn(&str) -> String) -> Vec<String> {
    table
        .rows
        .iter()
        .flat_map(|row| {
            let name = if row.machine.is_empty() {
                "unidentified machine".to_string()
            } else {
                clean(&row.machine)
            };
            row.notes
                .iter()
                .map(move |note| format!("#{} {}: {}", row.rank, name, clean(note)))
                .collect::<Vec<_>>()
        })
        .collect()
}

pub fn markdown(table: &Table) -> String {
    let with_target = mixed_targets(table);
    let headers = headers(table, with_target);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| {} |",
        headers
            .iter()
            .map(|h| escape(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(out, "|{}", "---|".repeat(headers.len()));
    let clean = |s: &str| escape(s);
    for row in &table.rows {
        let _ = writeln!(
            out,
            "| {} |",
            cells(table, row, with_target, &clean).join(" | ")
        );
    }
    let notes = notes(table, &clean);
    if !notes.is_empty() {
        let _ = writeln!(out);
        for note in notes {
            let _ = writeln!(out, "- {note}");
        }
    }
    out
}

/// RFC 4180: a header row, every field quoted with its quotes doubled,
/// CRLF line ends. Numbers stay bare digits inside their quotes.
pub fn csv(table: &Table) -> String {
    let mut header: Vec<String> = [
        "rank",
        "machine",
        "vendor",
        "product",
        "serial",
        "uuid",
        "cpu",
        "sockets",
        "cores",
        "threads",
        "ram_mib",
        "ram_source",
    ]
    .map(String::from)
    .to_vec();
    header.extend(CAPABILITY_COLUMNS.iter().map(|c| c.key().to_string()));
    header.extend(["target", "verdict", "score"].map(String::from));
    for id in &table.target_ids {
        header.push(format!("verdict:{id}"));
        header.push(format!("score:{id}"));
    }
    header.extend(["finding_ids", "top_problem", "files", "notes"].map(String::from));
    let mut out = String::new();
    record(&mut out, &header);
    let num = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    for row in &table.rows {
        let mut fields = vec![
            row.rank.to_string(),
            row.machine.clone(),
            opt(&row.vendor),
            opt(&row.product),
            opt(&row.serial),
            opt(&row.uuid),
            opt(&row.cpu),
            num(row.sockets),
            num(row.cores),
            num(row.threads),
            row.ram_mib.map(|n| n.to_string()).unwrap_or_default(),
            row.ram_source.unwrap_or_default().to_string(),
        ];
        fields.extend(row.capabilities.states().map(String::from));
        fields.extend([
            opt(&row.target),
            shown_verdict(row).to_string(),
            num(row.score),
        ]);
        for id in &table.target_ids {
            let cell = row.targets.get(id);
            fields.push(cell.map(|c| c.verdict.clone()).unwrap_or_default());
            fields.push(num(cell.and_then(|c| c.score)));
        }
        fields.push(row.finding_ids.join(" "));
        fields.push(opt(&row.top_problem));
        fields.push(row.files.join("; "));
        fields.push(row.notes.join("; "));
        record(&mut out, &fields);
    }
    out
}

fn record(out: &mut String, fields: &[String]) {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| format!("\"{}\"", crate::sanitize::for_csv(f).replace('"', "\"\"")))
        .collect();
    out.push_str(&quoted.join(","));
    out.push_str("\r\n");
}

pub fn json(table: &Table) -> String {
    crate::render::pretty_json(table)
}
