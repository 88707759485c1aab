//! Every importer of `import::IMPORTERS` on the same bytes: the first byte
//! picks the importer (and, for boot configs, the file name that tells
//! their dialects apart), the rest is the file. Whatever is accepted is
//! analysed, rendered, redacted and analysed again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xenready::evidence::{Evidence, Origin};
use xenready::import::IMPORTERS;

#[path = "common.rs"]
mod common;

const NAMES: [&str; 4] = ["extlinux.conf", "grub.cfg", "grub", "menu.lst"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let importer = &IMPORTERS[usize::from(pick) % IMPORTERS.len()];
    let dir = std::env::temp_dir().join(format!("xenready-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(NAMES[usize::from(pick / 16) % NAMES.len()]);
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    let mut evidence = Evidence::new(Origin::Import);
    if (importer.run)(&mut evidence, &path).is_ok() {
        xenready::import::declare_missing_sources(&mut evidence);
        common::analyse_and_render(&evidence);
        xenready::redact::redact(&mut evidence);
        common::analyse_and_render(&evidence);
    }
});
