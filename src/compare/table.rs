//! Entries → ranked rows: duplicates merged, then sorted.

use super::columns::CapabilityStates;
use super::input::{Entry, ReportView};
use crate::knowledge::Knowledge;
use crate::model::Verdict;
use crate::report::Tool;
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// How rows are ranked. Every order ends with the machine name, then the
/// serial, then the file, so the same inputs always give the same table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SortKey {
    /// Highest score first.
    Score,
    /// Machine name (vendor and product), A to Z; unnamed machines last.
    Name,
    /// `ready`, `needs-changes`, `limited`, `unknown`, `not-suitable`,
    /// then by score, highest first.
    Verdict,
}

impl SortKey {
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Score => "score",
            SortKey::Name => "name",
            SortKey::Verdict => "verdict",
        }
    }
}

/// Verdict for one of several targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetCell {
    pub verdict: String,
    pub score: Option<u32>,
}

/// One machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// 1-based position in the sorted table.
    pub rank: usize,
    /// Vendor and product; empty when neither is known.
    pub machine: String,
    pub vendor: Option<String>,
    pub product: Option<String>,
    pub serial: Option<String>,
    pub uuid: Option<String>,
    /// CPU brand string.
    pub cpu: Option<String>,
    pub sockets: Option<u32>,
    /// Per socket.
    pub cores: Option<u32>,
    /// Per core.
    pub threads: Option<u32>,
    pub ram_mib: Option<u64>,
    /// `smbios` (installed) or `os` (MemTotal, a few percent less).
    pub ram_source: Option<&'static str>,
    /// Flattened: `"hvm": "available"` beside the other fields.
    #[serde(flatten)]
    pub capabilities: CapabilityStates,
    /// The target the report's own verdict is for.
    pub target: Option<String>,
    pub verdict: String,
    pub score: Option<u32>,
    /// Per-target verdicts, when the report carries a `targets` map.
    pub targets: BTreeMap<String, TargetCell>,
    /// The ids of the report's findings, each once, in report order: what
    /// a fleet owner greps for across machines.
    pub finding_ids: Vec<String>,
    /// The first finding's title.
    pub top_problem: Option<String>,
    /// The kept report first, then the others merged into this row.
    pub files: Vec<String>,
    pub notes: Vec<String>,
    /// Each report's claim when merged ones disagree (compare/conflict.rs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflict: Option<String>,
}

/// Version of `compare --format json`, bumped like the report's
/// `schema_version` (see CHANGELOG.md and docs/schema/compare.json).
pub const COMPARE_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub schema_version: u32,
    pub tool: Tool,
    pub sort: SortKey,
    /// Every target id found in any report's `targets` map, sorted.
    pub target_ids: Vec<String>,
    pub rows: Vec<Row>,
}

pub fn build(entries: Vec<Entry>, sort: SortKey, knowledge: &Knowledge) -> Table {
    let rows: Vec<Row> = merge_duplicates(entries).into_iter().map(row).collect();
    let mut rows = sorted_by(rows, |a, b| compare(a, b, sort));
    for (i, row) in rows.iter_mut().enumerate() {
        row.rank = i + 1;
    }
    // Target columns in the knowledge base's order (as the reports list
    // them); ids this xenready does not know follow, alphabetically.
    let seen: BTreeSet<&String> = rows.iter().flat_map(|r| r.targets.keys()).collect();
    let known = knowledge.targets.iter().map(|t| &t.id);
    let mut target_ids: Vec<String> = known.filter(|id| seen.contains(id)).cloned().collect();
    for id in seen {
        if !target_ids.contains(id) {
            target_ids.push(id.clone());
        }
    }
    Table {
        schema_version: COMPARE_SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        sort,
        target_ids,
        rows,
    }
}

/// A stable sort by binary insertion of indices. The standard library's
/// sorts compile to some 20 KiB per element type, a tenth of what this
/// whole feature may add to the static binary; a fleet has hundreds of
/// rows, not millions.
pub fn sorted_by<T>(items: Vec<T>, mut order: impl FnMut(&T, &T) -> Ordering) -> Vec<T> {
    let mut ranked: Vec<usize> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = ranked.partition_point(|&j| {
            items
                .get(j)
                .is_some_and(|other| order(other, item) != Ordering::Greater)
        });
        ranked.insert(at, i);
    }
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    ranked
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect()
}

/// Serials and UUIDs compare without case or surrounding blanks.
fn identity_keys(report: &ReportView) -> Vec<String> {
    let m = &report.machine;
    [("serial", &m.serial), ("uuid", &m.uuid)]
        .into_iter()
        .filter_map(|(kind, value)| {
            let value = value.as_deref()?.trim().to_lowercase();
            (!value.is_empty()).then(|| format!("{kind}:{value}"))
        })
        .collect()
}

/// Groups entries that share a serial or a UUID, transitively (a report
/// with both links the one with only the serial and the one with only
/// the UUID). Each group stays in input order.
fn merge_duplicates(entries: Vec<Entry>) -> Vec<Vec<Entry>> {
    let mut parent: Vec<usize> = (0..entries.len()).collect();
    fn root(parent: &[usize], mut i: usize) -> usize {
        while let Some(&p) = parent.get(i) {
            if p == i {
                break;
            }
            i = p;
        }
        i
    }
    let mut first_seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, entry) in entries.iter().enumerate() {
        for key in identity_keys(&entry.report) {
            match first_seen.get(&key) {
                Some(&j) => {
                    let (a, b) = (root(&parent, i), root(&parent, j));
                    if let Some(slot) = parent.get_mut(a.max(b)) {
                        *slot = a.min(b);
                    }
                }
                None => {
                    first_seen.insert(key, i);
                }
            }
        }
    }
    // A root is the group's first entry, so groups come out in input order.
    let mut groups: Vec<Vec<Entry>> = Vec::new();
    let mut group_of_root: Vec<Option<usize>> = vec![None; entries.len()];
    for (i, entry) in entries.into_iter().enumerate() {
        let r = root(&parent, i);
        match group_of_root.get(r).copied().flatten() {
            Some(g) => {
                if let Some(group) = groups.get_mut(g) {
                    group.push(entry);
                }
            }
            None => {
                if let Some(slot) = group_of_root.get_mut(r) {
                    *slot = Some(groups.len());
                }
                groups.push(vec![entry]);
            }
        }
    }
    groups
}

/// One row per group, from its best report: the newest capture, then
/// the most complete, then the one given last.
fn row(group: Vec<Entry>) -> Row {
    let listed: Vec<String> = group.iter().map(|e| e.file.clone()).collect();
    let best = group
        .iter()
        .enumerate()
        .max_by_key(|(_, e)| {
            (
                e.report.environment.captured_at,
                e.report.completeness(),
                e.index,
            )
        })
        .map_or(0, |(i, _)| i);
    let conflict = super::conflict::Conflict::of(&group);
    let mut group = group;
    if best >= group.len() {
        return empty_row();
    }
    let kept = group.swap_remove(best);
    let mut files = vec![kept.file.clone()];
    files.extend(group.into_iter().map(|e| e.file));
    let mut notes = Vec::new();
    if listed.len() > 1 {
        notes.push(format!(
            "{} reports merged: {}; kept {}",
            listed.len(),
            listed.join(", "),
            kept.file
        ));
    }
    let mut row = Row {
        files,
        notes,
        ..row_of(kept.report)
    };
    if let Some(conflict) = conflict {
        conflict.apply(&mut row);
    }
    row
}

/// The row of one report, before merging says which files it stands for.
fn row_of(r: ReportView) -> Row {
    let machine = [&r.machine.vendor, &r.machine.product]
        .into_iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let (ram_mib, ram_source) = match (r.memory.installed_mib, r.memory.os_total_mib) {
        (Some(mib), _) => (Some(mib), Some("smbios")),
        (None, Some(mib)) => (Some(mib), Some("os")),
        (None, None) => (None, None),
    };
    let capabilities = CapabilityStates::of(&r);
    let finding_ids = finding_ids(&r);
    let mut targets = BTreeMap::new();
    for (id, t) in r.targets.iter().flatten() {
        let cell = TargetCell {
            verdict: t.verdict.clone().unwrap_or_else(|| "unknown".into()),
            score: t.score,
        };
        targets.insert(id.clone(), cell);
    }
    Row {
        rank: 0,
        machine,
        vendor: r.machine.vendor,
        product: r.machine.product,
        serial: r.machine.serial,
        uuid: r.machine.uuid,
        cpu: r.cpu.brand,
        sockets: r.cpu.sockets,
        cores: r.cpu.cores,
        threads: r.cpu.threads,
        ram_mib,
        ram_source,
        capabilities,
        target: r.target,
        verdict: r.verdict.unwrap_or_else(|| "unknown".into()),
        score: r.score,
        targets,
        finding_ids,
        top_problem: r.findings.first().and_then(|f| f.title.clone()),
        files: Vec::new(),
        notes: Vec::new(),
        conflict: None,
    }
}

fn finding_ids(r: &ReportView) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for id in r.findings.iter().filter_map(|f| f.id.as_deref()) {
        if !ids.iter().any(|seen| seen == id) {
            ids.push(id.to_string());
        }
    }
    ids
}

fn empty_row() -> Row {
    Row {
        capabilities: CapabilityStates::unknown(),
        ..row_of(ReportView::default())
    }
}

impl Table {
    /// The worst verdict of any row, in `Verdict`'s order (a verdict this
    /// build does not know counts as `unknown`): what `compare --check` exits with. `None` for
    /// an empty table.
    pub fn worst_verdict(&self) -> Option<Verdict> {
        self.rows
            .iter()
            .map(|r| verdict_of(&r.verdict))
            // `Verdict` orders worst first.
            .min()
    }
}

fn verdict_of(text: &str) -> Verdict {
    serde_json::from_value(serde_json::Value::String(text.to_string())).unwrap_or(Verdict::Unknown)
}

/// Best first; an unrecognised verdict (a newer build's) ranks last.
pub fn verdict_rank(verdict: &str) -> u8 {
    match verdict {
        "ready" => 0,
        "needs-changes" => 1,
        "limited" => 2,
        "unknown" => 3,
        "not-suitable" => 4,
        _ => 5,
    }
}

fn by_name(a: &Row, b: &Row) -> Ordering {
    let key = |r: &Row| {
        (
            r.machine.is_empty(),
            r.machine.to_lowercase(),
            r.serial.clone().unwrap_or_default(),
            r.files.first().cloned().unwrap_or_default(),
        )
    };
    key(a).cmp(&key(b))
}

/// Highest first, a report without a score last.
fn by_score(a: &Row, b: &Row) -> Ordering {
    match (a.score, b.score) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn compare(a: &Row, b: &Row, sort: SortKey) -> Ordering {
    match sort {
        SortKey::Score => by_score(a, b).then_with(|| by_name(a, b)),
        SortKey::Name => by_name(a, b).then_with(|| by_score(a, b)),
        SortKey::Verdict => verdict_rank(&a.verdict)
            .cmp(&verdict_rank(&b.verdict))
            .then_with(|| by_score(a, b))
            .then_with(|| by_name(a, b)),
    }
}
