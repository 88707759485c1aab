//! xenready: is this x86 machine fit to become a Xen host?
//!
//! The pipeline, each arrow one module, data flowing only to the right:
//! collect/import → Evidence → decode → Facts → assess + checks → score →
//! Report → render.

pub mod assess;
pub mod checks;
pub mod collect;
pub mod compare;
pub mod decode;
pub mod evidence;
pub mod facts;
pub mod import;
pub mod knowledge;
pub mod output;
pub mod render;
pub mod report;
pub mod sanitize;
pub mod score;
pub mod suggest;

use evidence::Evidence;
use knowledge::{Knowledge, Target};
use report::Report;

/// Runs everything after collection: the same path for a live scan, a saved
/// bundle and imported foreign files.
pub fn analyze(evidence: &Evidence, knowledge: &Knowledge, target: &Target) -> Report {
    let facts = decode::decode(evidence);
    let assessment = assess::assess(&facts, knowledge);
    let context = checks::Context {
        facts: &facts,
        assessment: &assessment,
        knowledge,
        target,
    };
    let findings = checks::run_all(&context);
    let score = score::score(&findings, &assessment.capabilities, target);
    report::build(&facts, &assessment, target, findings, &score)
}
