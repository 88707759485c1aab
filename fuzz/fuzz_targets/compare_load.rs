//! compare's loader: one file (report or bundle) into a fleet table,
//! rendered in every format.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xenready::compare::{self, SortKey};
use xenready::knowledge::Knowledge;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let knowledge = Knowledge::builtin();
    let target = knowledge.default_target();
    let Ok(entry) = compare::load("fuzz.json", text, 0, knowledge, target) else {
        return;
    };
    let twice = compare::load("again.json", text, 1, knowledge, target).ok();
    let entries: Vec<_> = std::iter::once(entry).chain(twice).collect();
    let table = compare::build(entries, SortKey::Score, knowledge);
    common::assert_inert("text", &compare::text(&table));
    common::assert_inert("markdown", &compare::markdown(&table));
    common::assert_inert("csv", &compare::csv(&table).replace("\r\n", "\n"));
    serde_json::from_str::<serde_json::Value>(&compare::json(&table)).expect("JSON parses");
});
