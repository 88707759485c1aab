//! The house rules, read off the source: which top-level module may use
//! which, that no module cycle exists, and how large a file or function may
//! grow. Anyone can run it: `cargo test --test integration architecture`.
//!
//! The graph is built from every `crate::NAME` path in non-test code (use
//! lines and inline paths alike, comments excluded), one node per folder or
//! file directly under `src/`. Functions of `lib.rs` (`crate::analyze`)
//! count as the node `lib`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// Imports that must never exist: (from, to).
const FORBIDDEN: &[(&str, &[&str])] = &[
    // The ground floor knows nothing above it.
    ("model", &["*"]),
    // The knowledge base is a data leaf.
    (
        "knowledge",
        &[
            "decode",
            "assess",
            "checks",
            "score",
            "report",
            "lib",
            "collect",
            "import",
            "render",
            "redact",
            "compare",
            "cpu_lookup",
            "consistency",
        ],
    ),
    // Stages below the Report do not reach up to it.
    ("decode", &["report", "assess", "checks", "score", "render"]),
    ("assess", &["report", "checks", "score", "render"]),
    ("checks", &["report", "score", "render"]),
    ("score", &["report", "render"]),
    (
        "facts",
        &["decode", "assess", "checks", "report", "knowledge"],
    ),
    (
        "evidence",
        &["decode", "facts", "assess", "checks", "report"],
    ),
    // Readers of the machine and of foreign files share wire formats
    // through formats/, never through the decoder or each other.
    ("collect", &["decode", "assess", "checks", "report"]),
    (
        "import",
        &["decode", "collect", "assess", "checks", "report"],
    ),
    ("redact", &["decode", "assess", "checks", "report"]),
    // Wire formats sit on the ground floor.
    (
        "formats",
        &[
            "assess",
            "bounded",
            "checks",
            "cli",
            "collect",
            "compare",
            "consistency",
            "cpu_lookup",
            "decode",
            "evidence",
            "facts",
            "import",
            "knowledge",
            "lib",
            "output",
            "redact",
            "render",
            "report",
            "score",
            "suggest",
            "test_support",
        ],
    ),
];

/// Modules that are applications on top of the pipeline, and may use it all.
const TOP: &[&str] = &["main", "cli"];

const MAX_FILE_LINES: usize = 400;
const MAX_FUNCTION_LINES: usize = 80;

struct Source {
    path: PathBuf,
    module: String,
    /// The text before any inline `#[cfg(test)] mod … {`, comments removed.
    code: String,
}

fn is_test_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name == "tests.rs"
        || name == "testing.rs"
        || name == "test_support.rs"
        || name.ends_with("_tests.rs")
        || path.components().any(|c| c.as_os_str() == "tests")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Cuts an inline test module off, and drops `//` comments (doc comments
/// name modules in prose).
fn non_test_code(text: &str) -> String {
    let mut code = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            let next = lines.peek().map(|l| l.trim_start()).unwrap_or("");
            let inline = next.contains("mod ") && next.trim_end().ends_with('{');
            if inline || trimmed.contains("mod ") && trimmed.trim_end().ends_with('{') {
                break;
            }
        }
        let without_comment = match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        };
        code.push_str(without_comment);
        code.push('\n');
    }
    code
}

fn sources() -> Vec<Source> {
    let mut paths = Vec::new();
    walk(Path::new(SRC), &mut paths);
    assert!(paths.len() > 50, "src/ not found at {SRC}");
    paths
        .into_iter()
        .filter(|p| !is_test_file(p))
        .map(|path| {
            let relative = path.strip_prefix(SRC).expect("under src").to_path_buf();
            let first = relative
                .components()
                .next()
                .and_then(|c| c.as_os_str().to_str())
                .unwrap_or("")
                .trim_end_matches(".rs")
                .to_string();
            let text = std::fs::read_to_string(&path).expect("readable source");
            Source {
                path: relative,
                module: first,
                code: non_test_code(&text),
            }
        })
        .collect()
}

fn graph(sources: &[Source]) -> BTreeMap<String, BTreeSet<String>> {
    let lib_items: BTreeSet<&str> = ["analyze", "analyze_facts"].into();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for source in sources {
        let node = edges.entry(source.module.clone()).or_default();
        let mut rest = source.code.as_str();
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let target = if lib_items.contains(name.as_str()) {
                "lib".to_string()
            } else {
                name
            };
            if !target.is_empty() && target != source.module {
                node.insert(target);
            }
        }
    }
    edges
}

#[test]
fn no_forbidden_import_between_modules() {
    let edges = graph(&sources());
    let mut wrong = Vec::new();
    for (from, banned) in FORBIDDEN {
        for to in edges.get(*from).into_iter().flatten() {
            if banned.contains(&"*") || banned.contains(&to.as_str()) {
                wrong.push(format!("{from} → {to}"));
            }
        }
    }
    for (from, targets) in &edges {
        for top in TOP {
            if targets.contains(*top) {
                wrong.push(format!("{from} → {top} (the binary's own code)"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the pipeline: {wrong:?}");
}

#[test]
fn no_module_cycle() {
    let edges = graph(&sources());
    // Depth-first search with colours; a grey node reached again closes a cycle.
    fn visit<'a>(
        node: &'a str,
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<&'a str, bool>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match state.get(node) {
            Some(true) => return None,
            Some(false) => {
                let start = path.iter().position(|n| *n == node).unwrap_or(0);
                let mut cycle: Vec<String> = path[start..].iter().map(|s| s.to_string()).collect();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            None => {}
        }
        state.insert(node, false);
        path.push(node);
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, state, path) {
                return Some(cycle);
            }
        }
        path.pop();
        state.insert(node, true);
        None
    }
    let mut state = BTreeMap::new();
    for node in edges.keys() {
        let mut path = Vec::new();
        if let Some(cycle) = visit(node, &edges, &mut state, &mut path) {
            panic!("module cycle: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn the_graph_sees_real_edges() {
    // Guards the test itself: a parser that found nothing would pass the rules.
    let edges = graph(&sources());
    assert!(edges["decode"].contains("facts"), "{edges:?}");
    assert!(edges["checks"].contains("assess"), "{edges:?}");
    assert!(edges["report"].contains("score"), "{edges:?}");
}

#[test]
fn no_source_file_over_the_limit() {
    let long: Vec<String> = sources()
        .iter()
        .filter_map(|s| {
            let lines = s.code.lines().count();
            (lines > MAX_FILE_LINES).then(|| format!("{} ({lines})", s.path.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "non-test files over {MAX_FILE_LINES} lines: {long:?}"
    );
}

/// A function is measured from its `fn` line to the line holding its closing
/// brace, counted by brace depth. Braces inside strings or char literals are
/// rare in this code base and make a function look longer, never shorter.
fn long_functions(source: &Source) -> Vec<String> {
    let lines: Vec<&str> = source.code.lines().collect();
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let is_fn = [
            "fn ",
            "pub fn ",
            "pub(crate) fn ",
            "pub(super) fn ",
            "const fn ",
        ]
        .iter()
        .any(|p| trimmed.starts_with(p));
        if !is_fn || trimmed.ends_with(';') {
            continue;
        }
        let mut depth = 0i32;
        let mut opened = false;
        for (offset, body) in lines[start..].iter().enumerate() {
            for c in body.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if opened && depth <= 0 {
                let length = offset + 1;
                if length > MAX_FUNCTION_LINES {
                    found.push(format!(
                        "{}:{} ({length})",
                        source.path.display(),
                        start + 1
                    ));
                }
                break;
            }
            if !opened && body.trim_end().ends_with(';') {
                break;
            }
        }
    }
    found
}

#[test]
fn no_function_over_the_limit() {
    let long: Vec<String> = sources().iter().flat_map(long_functions).collect();
    assert!(
        long.is_empty(),
        "non-test functions over {MAX_FUNCTION_LINES} lines: {long:?}"
    );
}
