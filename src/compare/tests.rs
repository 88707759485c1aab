//! A fleet of real machines (fixture dmidecode texts with CPUID dumps of
//! the same CPU generations), compared in every format.

use super::*;
use crate::evidence::{Evidence, Origin};
use crate::knowledge::Knowledge;
use std::path::Path;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");

/// (file label, dmidecode text, CPUID dump or none)
const FLEET: &[(&str, &str, Option<&str>)] = &[
    (
        "pe750.json",
        "parse-dmidecode/dmidecode_example4.txt",
        Some("GenuineIntel0000F34_P4_Prescott_CPUID.txt"),
    ),
    (
        "pe750-again.bundle",
        "parse-dmidecode/epimetheus.prod.spamlab.co.uk.txt",
        Some("GenuineIntel0000F34_P4_Prescott_CPUID.txt"),
    ),
    (
        "pe1850.json",
        "parse-dmidecode/albiorix.dev.spamlab.co.uk.txt",
        Some("GenuineIntel0000F43_P4_Irwindale_CPUID.txt"),
    ),
    (
        "pe2650.bundle",
        "parse-dmidecode/dmidecode.app10.txt",
        Some("GenuineIntel0000F27_P4_NorthwoodCeleron_CPUID.txt"),
    ),
    (
        "pe2850.json",
        "parse-dmidecode/iapetus.prod.spamlab.co.uk.txt",
        Some("GenuineIntel0000F41_P4_Cranford_CPUID.txt"),
    ),
    (
        "pe2950-dempsey.json",
        "parse-dmidecode/dmidecode_example5.txt",
        Some("GenuineIntel0000F64_P4_Dempsey_CPUID.txt"),
    ),
    (
        "pe2950-harpertown.bundle",
        "linuxhw/server/Dell_PowerEdge_2950_121AE0D35A8B.txt",
        Some("GenuineIntel0010676_Harpertown_CPUID.txt"),
    ),
    (
        "r610.json",
        "linuxhw/server/Dell_PowerEdge_R610_14D2A48FEC25.txt",
        Some("GenuineIntel00206C2_Gulftown_CPUID.txt"),
    ),
    (
        "r720.json",
        "linuxhw/server/Dell_PowerEdge_R720_13A7060552FC.txt",
        Some("GenuineIntel00206D7_SandyBridgeE_00_CPUID.txt"),
    ),
    (
        "r805.bundle",
        "linuxhw/server/Dell_PowerEdge_R805_D3B4F00263CD.txt",
        Some("AuthenticAMD0100F42_K10_Shanghai_CPUID.txt"),
    ),
    (
        "p8sct.json",
        "parse-dmidecode/mail1a.host-my-mail.com.txt",
        Some("GenuineIntel0000F43_P4_Prescott_CPUID.txt"),
    ),
    (
        "gx620.json",
        "parse-dmidecode/aragorn.dev.spamlab.co.uk.txt",
        None,
    ),
    (
        "pe1850-old.json",
        "parse-dmidecode/helene.prod.spamlab.co.uk.txt",
        None,
    ),
];

fn evidence(dmidecode: &str, cpuid: Option<&str>) -> Evidence {
    let mut evidence = Evidence::new(Origin::Import);
    let text = format!("{FIXTURES}/dmidecode-text/{dmidecode}");
    crate::import::dmidecode_text_file(&mut evidence, Path::new(&text)).unwrap();
    if let Some(dump) = cpuid {
        let dump = format!("{FIXTURES}/cpuid/instlatx64/{dump}");
        crate::import::cpuid_file(&mut evidence, Path::new(&dump)).unwrap();
    }
    crate::import::declare_missing_sources(&mut evidence);
    evidence
}

/// The fleet as files would hold it: reports as `--format json` writes
/// them, bundles as `capture` writes them. The second PE 750 (the same
/// machine) was captured later.
fn fleet_files() -> Vec<(String, String)> {
    let knowledge = Knowledge::builtin();
    let target = knowledge.target("xen").unwrap();
    FLEET
        .iter()
        .map(|&(label, dmidecode, cpuid)| {
            let mut evidence = evidence(dmidecode, cpuid);
            let text = if label.ends_with(".bundle") {
                if label == "pe750-again.bundle" {
                    evidence.meta.captured_at = Some(1_700_000_000);
                }
                serde_json::to_string(&evidence).unwrap()
            } else {
                crate::render::pretty_json(&crate::analyze(&evidence, knowledge, target))
            };
            (label.to_string(), text)
        })
        .collect()
}

fn table(sort: SortKey) -> Table {
    let knowledge = Knowledge::builtin();
    let target = knowledge.target("xen").unwrap();
    let entries = fleet_files()
        .iter()
        .enumerate()
        .map(|(i, (label, text))| load(label, text, i, knowledge, target).unwrap())
        .collect();
    build(entries, sort, Knowledge::builtin())
}

/// A minimal RFC 4180 reader: quoted fields with doubled quotes, commas
/// and line breaks inside quotes, CRLF or LF record ends.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quoted field");
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// Rows in the order a format printed them, as (machine, score) pairs.
fn order_in(format: &str, table: &Table) -> Vec<(String, String)> {
    match format {
        "csv" => {
            let records = parse_csv(&csv(table));
            let header = &records[0];
            assert!(records[1..].iter().all(|r| r.len() == header.len()));
            let col = |name: &str| header.iter().position(|h| h == name).unwrap();
            let (m, s) = (col("machine"), col("score"));
            records[1..]
                .iter()
                .map(|r| (r[m].clone(), r[s].clone()))
                .collect()
        }
        "json" => {
            let value: serde_json::Value = serde_json::from_str(&json(table)).unwrap();
            value["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    let score = r["score"]
                        .as_u64()
                        .map(|s| s.to_string())
                        .unwrap_or_default();
                    (r["machine"].as_str().unwrap().to_string(), score)
                })
                .collect()
        }
        "text" => {
            let out = text(table);
            let mut lines = out.lines().take_while(|l| !l.is_empty());
            let header: Vec<&str> = split_columns(lines.next().unwrap());
            let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
            let (m, s) = (col("Machine"), col("Score"));
            lines
                .map(|l| {
                    let cells = split_columns(l);
                    assert_eq!(cells.len(), header.len(), "{l}");
                    let dash = |c: &str| {
                        if c == "-" {
                            String::new()
                        } else {
                            c.to_string()
                        }
                    };
                    (dash(cells[m]), dash(cells[s]))
                })
                .collect()
        }
        "markdown" => {
            let out = markdown(table);
            let mut lines = out.lines().take_while(|l| l.starts_with('|'));
            let cells = |l: &str| -> Vec<String> {
                l.trim_matches('|')
                    .split(" | ")
                    .map(|c| c.trim().replace('\\', ""))
                    .collect()
            };
            let header = cells(lines.next().unwrap());
            lines.next();
            let col = |name: &str| header.iter().position(|h| h == name).unwrap();
            let (m, s) = (col("Machine"), col("Score"));
            lines
                .map(|l| {
                    let c = cells(l);
                    (c[m].clone(), c[s].clone())
                })
                .collect()
        }
        _ => unreachable!(),
    }
}

/// Text columns are separated by two blanks or more; cells never hold two
/// blanks in a row (they are squeezed).
fn split_columns(line: &str) -> Vec<&str> {
    line.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

fn score_of(row: &Row) -> i64 {
    row.score.map_or(-1, i64::from)
}

#[test]
fn every_format_prints_the_documented_order() {
    for sort in [SortKey::Score, SortKey::Name, SortKey::Verdict] {
        let table = table(sort);
        assert!(table.rows.len() >= 10, "{}", table.rows.len());
        for pair in table.rows.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let name = |r: &Row| (r.machine.is_empty(), r.machine.to_lowercase());
            let ok = match sort {
                SortKey::Score => {
                    score_of(a) > score_of(b) || (score_of(a) == score_of(b) && name(a) <= name(b))
                }
                SortKey::Name => name(a) <= name(b),
                SortKey::Verdict => {
                    let (va, vb) = (verdict_rank(&a.verdict), verdict_rank(&b.verdict));
                    va < vb || (va == vb && score_of(a) >= score_of(b))
                }
            };
            assert!(ok, "{sort:?}: {a:#?} before {b:#?}");
        }
        let expected: Vec<(String, String)> = table
            .rows
            .iter()
            .map(|r| {
                (
                    r.machine.clone(),
                    r.score.map(|s| s.to_string()).unwrap_or_default(),
                )
            })
            .collect();
        for format in ["csv", "json", "text", "markdown"] {
            assert_eq!(order_in(format, &table), expected, "{format}, {sort:?}");
        }
    }
}

#[test]
fn the_fleet_is_told_apart_by_what_matters() {
    let table = table(SortKey::Verdict);
    let find = |file: &str| {
        table
            .rows
            .iter()
            .find(|r| r.files.iter().any(|f| f == file))
            .unwrap_or_else(|| panic!("no row for {file}"))
    };
    // A 32-bit Northwood Celeron cannot run Xen at all.
    let pe2650 = find("pe2650.bundle");
    assert_eq!(pe2650.verdict, "not-suitable");
    assert_eq!(pe2650.machine, "Dell Computer Corporation PowerEdge 2650");
    assert!(pe2650.top_problem.is_some());
    assert_eq!(pe2650.ram_mib, Some(2048));
    assert_eq!(pe2650.ram_source, Some("smbios"));
    // Sandy Bridge-EP has VT-x and EPT in silicon.
    let r720 = find("r720.json");
    assert_eq!(
        r720.capabilities.get(crate::model::CapabilityName::Hvm),
        Some("supported")
    );
    assert_eq!(r720.ram_source, Some("smbios"));
    assert_eq!(
        table.rows.last().map(|r| r.verdict.as_str()),
        Some("not-suitable")
    );
    // Reports carry the `targets` map: one verdict column per target, in
    // the knowledge base's order.
    let expected: Vec<&str> = Knowledge::builtin()
        .targets
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(table.target_ids, expected);
}

#[test]
fn two_reports_of_one_machine_merge_keeping_the_newest() {
    let table = table(SortKey::Score);
    assert_eq!(table.rows.len(), FLEET.len() - 1);
    let merged: Vec<&Row> = table.rows.iter().filter(|r| r.files.len() > 1).collect();
    assert_eq!(merged.len(), 1);
    let row = merged[0];
    assert_eq!(row.serial.as_deref(), Some("GG4WF1J"));
    assert_eq!(
        row.files[0], "pe750-again.bundle",
        "the capture with a date is newer"
    );
    assert_eq!(
        row.notes,
        vec!["2 reports merged: pe750.json, pe750-again.bundle; kept pe750-again.bundle"]
    );
    assert!(text(&table).contains("2 reports merged: pe750.json, pe750-again.bundle"));
    assert!(csv(&table).contains("pe750-again.bundle; pe750.json"));
}

#[test]
fn a_uuid_links_reports_without_a_serial() {
    let knowledge = Knowledge::builtin();
    let target = knowledge.target("xen").unwrap();
    let report = |serial: Option<&str>, uuid: Option<&str>, vendor: &str| {
        serde_json::json!({
            "schema_version": 1, "verdict": "ready", "score": 90,
            "machine": {"vendor": vendor, "serial": serial, "uuid": uuid},
        })
        .to_string()
    };
    let inputs = [
        report(Some("ABC"), None, "one"),
        report(Some("abc "), Some("U-1"), "two"),
        report(None, Some("u-1"), "three"),
        report(None, None, "four"),
        report(None, None, "five"),
    ];
    let entries = inputs
        .iter()
        .enumerate()
        .map(|(i, t)| load(&format!("{i}.json"), t, i, knowledge, target).unwrap())
        .collect();
    let table = build(entries, SortKey::Name, Knowledge::builtin());
    assert_eq!(table.rows.len(), 3, "{:#?}", table.rows);
    let merged = table.rows.iter().find(|r| r.files.len() == 3).unwrap();
    assert!(merged.notes[0].starts_with("3 reports merged: 0.json, 1.json, 2.json"));
}

#[test]
fn per_target_verdicts_become_columns_when_present() {
    let knowledge = Knowledge::builtin();
    let target = knowledge.target("xen").unwrap();
    let text = serde_json::json!({
        "schema_version": 1, "target": "xen", "verdict": "ready", "score": 95,
        "machine": {"vendor": "Dell Inc.", "product": "PowerEdge R630"},
        "targets": {
            "xcp-ng": {"verdict": "ready", "score": 95, "blockers": []},
            "xenserver": {"verdict": "needs-changes", "score": 80, "blockers": ["x"]}
        },
        "a_key_from_the_future": {"ignored": true}
    })
    .to_string();
    let entry = load("r630.json", &text, 0, knowledge, target).unwrap();
    let table = build(vec![entry], SortKey::Score, Knowledge::builtin());
    assert_eq!(table.target_ids, vec!["xcp-ng", "xenserver"]);
    let records = parse_csv(&csv(&table));
    let header = &records[0];
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(records[1][at("verdict:xenserver")], "needs-changes");
    assert_eq!(records[1][at("score:xcp-ng")], "95");
    assert!(text_of(&table).contains("needs-changes 80"));
    assert!(markdown(&table).contains("| Verdict (xenserver) |"));
}

fn text_of(table: &Table) -> String {
    text(table)
}

#[test]
fn hostile_strings_are_inert_in_text_and_markdown_and_quoted_in_csv() {
    let knowledge = Knowledge::builtin();
    let target = knowledge.target("xen").unwrap();
    let text_in = serde_json::json!({
        "schema_version": 1, "verdict": "ready", "score": 50,
        "machine": {"vendor": "Evil\u{1b}[2J|Corp", "product": "a,b \"q\"\nline"},
        "findings": [{"title": "<b>*x*</b>"}]
    })
    .to_string();
    let entry = load("evil.json", &text_in, 0, knowledge, target).unwrap();
    let table = build(vec![entry], SortKey::Score, Knowledge::builtin());
    let plain = text(&table);
    assert!(!plain.contains('\u{1b}'));
    assert_eq!(plain.lines().count(), 2, "one header and one row:\n{plain}");
    let md = markdown(&table);
    assert!(!md.contains('\u{1b}') && !md.contains("<b>"));
    assert!(md.contains("Evil\u{fffd}\\[2J\\|Corp"));
    let records = parse_csv(&csv(&table));
    assert_eq!(records.len(), 2);
    let header = &records[0];
    let product = header.iter().position(|h| h == "product").unwrap();
    // M2: no raw control character reaches a CSV field.
    assert_eq!(records[1][product], "a,b \"q\"\u{fffd}line");
}

#[test]
fn insertion_sort_is_stable_and_ordered() {
    let mut rng = 0x1234_5678_u64;
    let items: Vec<(u8, usize)> = (0..500)
        .map(|i| {
            rng = rng.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            ((rng >> 60) as u8, i)
        })
        .collect();
    let mut expected = items.clone();
    expected.sort_by_key(|&(k, _)| k);
    assert_eq!(sorted_by(items, |a, b| a.0.cmp(&b.0)), expected);
    assert_eq!(
        sorted_by(Vec::<u8>::new(), |a, b| a.cmp(b)),
        Vec::<u8>::new()
    );
}

#[test]
fn files_that_are_not_reports_are_refused_with_a_reason() {
    let knowledge = Knowledge::builtin();
    let target = knowledge.target("xen").unwrap();
    let load = |text: &str| load("x", text, 0, knowledge, target).map(|_| ());
    assert!(matches!(load("not json"), Err(LoadError::NotJson(_))));
    assert_eq!(load("[1, 2]"), Err(LoadError::NotXenready));
    assert_eq!(
        load("{\"name\": \"package.json\"}"),
        Err(LoadError::NotXenready)
    );
    assert_eq!(
        load("{\"schema_version\": 99, \"verdict\": \"ready\"}"),
        Err(LoadError::NewerSchema(99))
    );
    assert_eq!(
        load("{\"format\": \"xenready-evidence\", \"version\": 99}"),
        Err(LoadError::NewerBundle(99))
    );
    assert!(matches!(
        load("{\"schema_version\": 1, \"verdict\": \"ready\", \"score\": \"high\"}"),
        Err(LoadError::Malformed { .. })
    ));
}
