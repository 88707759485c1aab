//! The test corpus in `tests/corpus` is what every replay test trusts, so it
//! is checked against its own `SHA256SUMS`: a file that was edited, lost or
//! added without a hash fails here, naming the path, instead of quietly
//! changing what the other tests prove.
//!
//! Hashing uses the `sha2` crate rather than the `sha256sum` tool so the check
//! does not depend on coreutils being on the PATH (macOS ships `shasum`), and
//! so a failure lists every bad file at once rather than one tool exit code.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

const SUMS: &str = "SHA256SUMS";

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// One `sha256sum` line: 64 lowercase hex digits, two spaces (or space and
/// `*` for binary mode) and a relative path. Escaped names (a leading `\`)
/// are refused: the corpus has none and the test should not guess at them.
fn parse_line(line: &str) -> Result<(String, String), String> {
    let (hash, rest) = line
        .split_at_checked(64)
        .ok_or_else(|| format!("too short: {line:?}"))?;
    if !hash
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(format!("not a lowercase SHA-256: {line:?}"));
    }
    let path = rest
        .strip_prefix("  ")
        .or_else(|| rest.strip_prefix(" *"))
        .ok_or_else(|| format!("no two-character separator: {line:?}"))?;
    if path.is_empty() || path.starts_with('/') || path.split('/').any(|part| part == "..") {
        return Err(format!("not a path inside the corpus: {line:?}"));
    }
    Ok((hash.to_string(), path.to_string()))
}

fn sha256_hex(path: &Path) -> std::io::Result<String> {
    let digest = Sha256::digest(std::fs::read(path)?);
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// Every regular file below `root`, as `/`-separated relative paths.
fn files_under(root: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(root).expect("below the root");
                found.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found
}

/// Everything wrong with the corpus at `root`, one line per problem.
fn problems(root: &Path) -> Vec<String> {
    let sums_path = root.join(SUMS);
    let sums = match std::fs::read_to_string(&sums_path) {
        Ok(text) => text,
        Err(e) => return vec![format!("{}: {e}", sums_path.display())],
    };
    let mut problems = Vec::new();
    let mut listed = Vec::new();
    for (number, line) in sums.lines().enumerate() {
        match parse_line(line) {
            Ok(entry) => listed.push(entry),
            Err(why) => problems.push(format!("{SUMS} line {}: {why}", number + 1)),
        }
    }
    for pair in listed.windows(2) {
        if pair[0].1.as_bytes() >= pair[1].1.as_bytes() {
            problems.push(format!(
                "{SUMS} is not sorted or repeats a path: {} before {}",
                pair[0].1, pair[1].1
            ));
        }
    }
    for (expected, relative) in &listed {
        let path = root.join(relative);
        match sha256_hex(&path) {
            Ok(actual) if &actual == expected => {}
            Ok(actual) => problems.push(format!(
                "{}: SHA-256 {actual}, {SUMS} says {expected}",
                path.display()
            )),
            Err(e) => problems.push(format!("{}: listed in {SUMS} but {e}", path.display())),
        }
    }
    let names: BTreeSet<&str> = listed.iter().map(|(_, path)| path.as_str()).collect();
    for relative in files_under(root) {
        if relative != SUMS && !names.contains(relative.as_str()) {
            problems.push(format!(
                "{}: not listed in {SUMS}",
                root.join(&relative).display()
            ));
        }
    }
    problems
}

#[test]
fn every_corpus_file_is_listed_with_its_hash() {
    let root = corpus();
    let problems = problems(&root);
    assert!(
        problems.is_empty(),
        "{} problem(s) in {}:\n{}",
        problems.len(),
        root.display(),
        problems.join("\n")
    );
}

#[test]
fn the_corpus_holds_what_the_manifest_describes() {
    // Guards against an empty or half-copied corpus with a matching,
    // equally short SHA256SUMS.
    let files = files_under(&corpus());
    assert!(
        files.len() > 900,
        "only {} files in the corpus",
        files.len()
    );
    for needed in [
        "MANIFEST.md",
        "smbios-bin/go-smbios/Dell-PowerEdge-R630-Dual-Xeon.dmi",
        "cpuid/instlatx64/GenuineIntel0050654_SkylakeXeon_CPUID.txt",
        "dmidecode-text/parse-dmidecode/dmidecode.app10.txt",
        "cpuinfo/util-linux/x86_64-dell_poweredgeR610.cpuinfo",
    ] {
        assert!(files.contains(needed), "{needed} missing from the corpus");
    }
}

#[test]
fn every_licence_text_is_named_in_the_licence_readme_and_exists() {
    let dir = corpus().join("LICENSES");
    let readme = std::fs::read_to_string(dir.join("README.md"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.join("README.md").display()));
    let texts = files_under(&dir);
    for text in &texts {
        assert!(
            text == "README.md" || readme.contains(&format!("`{text}`")),
            "{} is not named in LICENSES/README.md",
            dir.join(text).display()
        );
    }
    // Names with a `/` are corpus files the README talks about, not texts.
    let licence_names = readme
        .split('`')
        .filter(|word| word.ends_with(".txt") && !word.contains('/'));
    for named in licence_names {
        assert!(
            texts.contains(named),
            "LICENSES/README.md names {named}, which is not in {}",
            dir.display()
        );
    }
}

/// A scratch copy of a tiny corpus, to show the check catches each fault.
fn tiny_corpus(name: &str, sums: &str) -> PathBuf {
    let root = crate::common::scratch(name);
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::write(root.join("a.txt"), "a\n").unwrap();
    std::fs::write(root.join("sub/b.bin"), [0u8, 1, 2]).unwrap();
    std::fs::write(root.join(SUMS), sums).unwrap();
    root
}

const A_TXT: &str = "87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7";
const B_BIN: &str = "ae4b3280e56e2faf83f414a6e3dabe9d5fbe18976544c05fed121accb85b53fc";

#[test]
fn a_tiny_corpus_with_right_sums_passes() {
    let root = tiny_corpus(
        "corpus-ok",
        &format!("{A_TXT}  a.txt\n{B_BIN}  sub/b.bin\n"),
    );
    assert_eq!(problems(&root), Vec::<String>::new());
}

#[test]
fn a_changed_file_fails_naming_its_path() {
    let root = tiny_corpus(
        "corpus-changed",
        &format!("{A_TXT}  a.txt\n{B_BIN}  sub/b.bin\n"),
    );
    std::fs::write(root.join("sub/b.bin"), [9u8]).unwrap();
    let problems = problems(&root);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("sub/b.bin") && problems[0].contains(B_BIN));
}

#[test]
fn a_missing_file_fails_naming_its_path() {
    let root = tiny_corpus(
        "corpus-missing",
        &format!("{A_TXT}  a.txt\n{B_BIN}  sub/b.bin\n"),
    );
    std::fs::remove_file(root.join("a.txt")).unwrap();
    let problems = problems(&root);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("a.txt") && problems[0].contains("listed"));
}

#[test]
fn an_unlisted_file_fails_naming_its_path() {
    let root = tiny_corpus("corpus-unlisted", &format!("{A_TXT}  a.txt\n"));
    let problems = problems(&root);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].ends_with("sub/b.bin: not listed in SHA256SUMS"));
}

#[test]
fn unsorted_or_malformed_sums_fail() {
    let root = tiny_corpus(
        "corpus-unsorted",
        &format!("{B_BIN}  sub/b.bin\n{A_TXT}  a.txt\n"),
    );
    assert!(problems(&root).iter().any(|p| p.contains("not sorted")));
    for bad in [
        "short",
        &format!("{}  a.txt", A_TXT.to_uppercase()),
        &format!("{A_TXT} a.txt"),
        &format!("{A_TXT}  ../a.txt"),
        &format!("{A_TXT}  /etc/passwd"),
    ] {
        assert!(parse_line(bad).is_err(), "{bad:?} was accepted");
    }
}
