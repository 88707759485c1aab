//! Shared by the targets: analyse Evidence for every target and render it
//! in every format, asserting what the reliability findings checked by hand.

use xenready::evidence::Evidence;
use xenready::knowledge::Knowledge;
use xenready::render::{self, RenderOptions, Style, Symbols};

/// Raw C0 (but newline), DEL, C1 and bidi controls must never reach a
/// rendered report.
pub fn assert_inert(format: &str, text: &str) {
    for c in text.chars() {
        let control = c.is_control() && !matches!(c, '\n' | '\r' | '\t');
        let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}' | '\u{FEFF}');
        assert!(!control && !bidi, "{format} output carries U+{:04X}", c as u32);
    }
}

#[allow(dead_code)] // compare_load renders tables, not reports
pub fn analyse_and_render(evidence: &Evidence) {
    let knowledge = Knowledge::builtin();
    for target in &knowledge.targets {
        let report = xenready::analyze(evidence, knowledge, target);
        for format in render::FORMATS {
            let options = RenderOptions {
                target_name: &target.name,
                style: Style {
                    color: false,
                    symbols: Symbols::Unicode,
                    width: render::DEFAULT_WIDTH,
                },
            };
            let text = (format.render)(&report, &options);
            assert_inert(format.name, &text);
            if format.name == "json" {
                serde_json::from_str::<serde_json::Value>(&text).expect("the JSON report parses");
            }
        }
    }
}
