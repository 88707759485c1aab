//! xenready: is this x86 machine fit to become a Xen host?
//!
//! The pipeline, each arrow one module, data flowing only to the right:
//! collect/import → Evidence → decode → Facts → assess + checks → score →
//! Report → render.

pub mod assess;
pub mod bounded;
pub mod checks;
pub mod collect;
pub mod compare;
pub mod consistency;
pub mod cpu_lookup;
pub mod decode;
pub mod evidence;
pub mod facts;
pub mod formats;
pub mod import;
pub mod knowledge;
pub mod model;
pub mod output;
pub mod redact;
pub mod render;
pub mod report;
pub mod sanitize;
pub mod score;
pub mod suggest;
#[cfg(test)]
pub(crate) mod test_support;

use evidence::Evidence;
use facts::Facts;
use knowledge::{Knowledge, Target};
use report::{Report, TargetVerdict, TargetVerdicts};

/// Runs everything after collection: the same path for a live scan, a saved
/// bundle and imported foreign files.
pub fn analyze(evidence: &Evidence, knowledge: &Knowledge, target: &Target) -> Report {
    analyze_facts(&decode::decode(evidence, knowledge), knowledge, target)
}

/// Everything after decoding. The assessment runs once; checks, grading and
/// scoring, which are cheap, run for every target of the knowledge base so
/// the report answers "which Xen can this machine run?". `target` picks the
/// headline verdict and the grading of the findings listed.
pub fn analyze_facts(facts: &Facts, knowledge: &Knowledge, target: &Target) -> Report {
    let assessment = assess::assess(facts, knowledge);
    let context = |target| checks::Context {
        facts,
        assessment: &assessment,
        knowledge,
        target,
    };
    let mut verdicts = Vec::with_capacity(knowledge.targets.len());
    let mut headline = None;
    for each in &knowledge.targets {
        let results = checks::run_all(&context(each));
        let score = score::score(&results.findings, &assessment.capabilities, each);
        verdicts.push((
            each.id.clone(),
            TargetVerdict::new(each, &results.findings, &score),
        ));
        if each.id == target.id {
            headline = Some((results, score));
        }
    }
    // A target from outside the knowledge base is graded on its own.
    let (results, score) = headline.unwrap_or_else(|| {
        let results = checks::run_all(&context(target));
        let score = score::score(&results.findings, &assessment.capabilities, target);
        (results, score)
    });
    report::build(
        facts,
        &assessment,
        target,
        results,
        &score,
        TargetVerdicts(verdicts),
    )
}
