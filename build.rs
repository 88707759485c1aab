//! Converts the knowledge base (`probes/*.toml`, the format people edit) to
//! compact JSON in OUT_DIR, which the binary embeds with `include_str!`.
//! The binary then needs only serde_json, not a TOML parser: a static
//! binary for USB sticks has a size budget. A syntax error in a probe file
//! fails the build with the TOML parser's message and line.

use std::fs;
use std::path::Path;

fn main() {
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("probes");
    fs::create_dir_all(&out).expect("create OUT_DIR/probes");
    println!("cargo:rerun-if-changed=probes");
    let mut entries: Vec<_> = fs::read_dir("probes")
        .expect("probes/ directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    entries.sort();
    for path in entries {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = fs::read_to_string(&path).expect("read probe file");
        let value: toml::Value = match toml::from_str(&text) {
            Ok(value) => value,
            Err(error) => panic!("{}: {error}", path.display()),
        };
        let json = serde_json::to_string(&value).expect("TOML values convert to JSON");
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 file name");
        fs::write(out.join(format!("{stem}.json")), json).expect("write OUT_DIR/probes JSON");
    }
}
