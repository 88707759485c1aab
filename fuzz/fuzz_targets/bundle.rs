//! The bundle reader: parse, analyse, render, and round-trip through JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xenready::evidence::Evidence;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(evidence) = Evidence::from_json(text) else {
        return;
    };
    common::analyse_and_render(&evidence);
    let again = serde_json::to_string(&evidence).expect("a parsed bundle serialises");
    let back = Evidence::from_json(&again).expect("a written bundle reads back");
    assert_eq!(back, evidence);
});
