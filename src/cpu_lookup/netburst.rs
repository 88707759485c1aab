//! NetBurst Xeons carry no model number in their brand string: Nocona,
//! Irwindale, Paxville and Dempsey all say `Intel(R) Xeon(TM) CPU 3.00GHz`
//! (the dual-core ones also `Dual-Core Intel(R) Xeon(R) CPU 3.00GHz`), so a
//! model-number rule never matches a real machine. Such a string names a
//! set of generations; only the CPUID signature picks one.

use crate::knowledge::{Generation, GenerationKnowledge};
use serde::Serialize;

/// Generation ids each wording can be. Sources: the InstLatx64 dumps in
/// tests/corpus/cpuid/instlatx64 (F41/F43/F4A "Intel(R) Xeon(TM) CPU
/// 3.x0GHz", F48 Paxville "Intel(R) Xeon(TM) CPU 2.66GHz", F64 Dempsey
/// "Intel(R) Xeon(TM) CPU 3.20GHz") and shared/research/domain-review.md §5b.
const SINGLE_WORDING: &[&str] = &["nocona", "irwindale", "paxville", "dempsey"];
const DUAL_CORE_WORDING: &[&str] = &["paxville", "dempsey"];

/// One generation a NetBurst brand string can be.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub id: String,
    pub codename: String,
    pub series: String,
    pub launch: u16,
    /// VT-x across the generation's SKUs: none | some | most | all.
    pub hvm: &'static str,
    pub nx: &'static str,
    pub smt: &'static str,
}

/// The answer to a brand string that names no single generation: the
/// `cpu --format json` document carries `candidates` instead of
/// `generation`, `features` and `targets`.
#[derive(Debug, Clone, Serialize)]
pub struct Candidates {
    pub schema_version: u32,
    pub tool: crate::report::Tool,
    pub query: String,
    pub candidates: Vec<Candidate>,
    pub how_to_decide: &'static str,
}

const HOW_TO_DECIDE: &str = "Read the CPUID signature (family, model, stepping: /proc/cpuinfo, \
     `dmidecode -t processor` Signature, or a CPUID dump) and run `xenready analyze` on it: \
     family 15 model 3 or 4 is Nocona/Irwindale (no VT-x), model 4 stepping 8 Paxville, \
     model 6 Dempsey (VT-x).";

/// The candidates of a NetBurst Xeon brand string without model number.
pub fn candidates(generations: &GenerationKnowledge, query: &str) -> Option<Candidates> {
    let words: Vec<String> = query
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    let ids = match words
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["intel(r)", "xeon(tm)", "cpu", speed] if is_speed(speed) => SINGLE_WORDING,
        ["dual-core", "intel(r)", "xeon(r)", "cpu", speed] if is_speed(speed) => DUAL_CORE_WORDING,
        _ => return None,
    };
    let candidates: Vec<Candidate> = ids
        .iter()
        .filter_map(|id| generations.get(id))
        .map(candidate)
        .collect();
    (!candidates.is_empty()).then(|| Candidates {
        schema_version: super::CPU_SCHEMA_VERSION,
        tool: crate::report::Tool {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        query: query.to_string(),
        candidates,
        how_to_decide: HOW_TO_DECIDE,
    })
}

/// `3.00ghz`: the clock NetBurst brand strings end with.
fn is_speed(word: &str) -> bool {
    word.strip_suffix("ghz")
        .is_some_and(|n| !n.is_empty() && n.parse::<f32>().is_ok_and(|f| f > 0.0))
}

fn candidate(g: &Generation) -> Candidate {
    Candidate {
        id: g.id.clone(),
        codename: g.codename.clone(),
        series: g.series.clone(),
        launch: g.launch,
        hvm: g.hvm.as_str(),
        nx: g.nx.as_str(),
        smt: g.smt.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Knowledge;

    fn ids(query: &str) -> Option<Vec<String>> {
        candidates(&Knowledge::builtin().generations, query)
            .map(|c| c.candidates.into_iter().map(|c| c.id).collect())
    }

    #[test]
    fn the_real_netburst_brand_strings_list_their_generations() {
        assert_eq!(
            ids("Intel(R) Xeon(TM) CPU 3.00GHz").as_deref(),
            Some(&["nocona", "irwindale", "paxville", "dempsey"].map(String::from)[..])
        );
        assert_eq!(
            ids("Dual-Core  Intel(R) Xeon(R) CPU 3.00GHz").as_deref(),
            Some(&["paxville", "dempsey"].map(String::from)[..])
        );
        let answer = candidates(
            &Knowledge::builtin().generations,
            "Intel(R) Xeon(TM) CPU 3.00GHz",
        )
        .expect("candidates");
        let vt: Vec<&str> = answer.candidates.iter().map(|c| c.hvm).collect();
        assert_eq!(vt, ["none", "none", "most", "all"]);
    }

    #[test]
    fn other_strings_are_not_netburst_candidates() {
        for query in [
            "Intel(R) Xeon(R) CPU X5570 @ 2.93GHz",
            "Intel(R) Xeon(TM) CPU",
            "Intel(R) Xeon(TM) CPU fastGHz",
            "Intel(R) Xeon(TM) MP CPU 3.00GHz extra",
        ] {
            assert!(ids(query).is_none(), "{query}");
        }
    }
}
